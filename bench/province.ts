/**
 * A province-sized body for `POST /api/v1/import`, as in DESIGN.md's field figures: 1 provincial
 * committee, 13 district-level committees, 556 grassroots units (570 units) and exactly 78,062
 * members, with Vietnamese unit and member names (NFC, with diacritics). Deterministic for a seed
 * (its own PRNG, no dependency), so tests and benchmarks see the same data every run.
 *
 * As a script: `npm run generate:province -- out.json [seed]` writes the JSON (stdout without a file).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { seededRandom } from './support/random.js';

export interface ProvinceUnit {
  key: string;
  name: string;
  level: string;
  parentKey: string | null;
}

export interface ProvinceMember {
  login: string;
  displayName: string;
  password?: string;
  unitKey: string;
  role: 'member' | 'drafter' | 'secretary';
}

export interface ProvinceImport {
  units: ProvinceUnit[];
  members: ProvinceMember[];
}

export const provinceShape = { districts: 13, grassroots: 556, units: 570, members: 78_062 } as const;

/** Members who get a password in the file (the rest get activation codes). */
export const provincePassword = 'mat-khau-tam-thoi';

export { seededRandom };

// Family names weighted roughly by how common they are.
const familyNames: Array<[string, number]> = [
  ['Nguyễn', 38], ['Trần', 11], ['Lê', 9.5], ['Phạm', 7], ['Hoàng', 5], ['Huỳnh', 4], ['Phan', 4], ['Vũ', 3.9],
  ['Võ', 3.5], ['Đặng', 2.1], ['Bùi', 2], ['Đỗ', 1.4], ['Hồ', 1.3], ['Ngô', 1.3], ['Dương', 1], ['Lý', 0.5],
  ['Đinh', 0.6], ['Trịnh', 0.5], ['Đoàn', 0.4], ['Lương', 0.4], ['Mai', 0.3], ['Tạ', 0.2], ['Cao', 0.3], ['Lâm', 0.3],
];
const maleMiddle = ['Văn', 'Hữu', 'Đức', 'Minh', 'Quang', 'Công', 'Thanh', 'Xuân', 'Tiến', 'Đình', 'Ngọc', 'Trọng', 'Mạnh', 'Quốc'];
const femaleMiddle = ['Thị', 'Thị', 'Thị', 'Ngọc', 'Thu', 'Thanh', 'Minh', 'Kim', 'Thúy', 'Phương', 'Hồng', 'Mỹ', 'Diệu'];
const maleGiven = [
  'An', 'Bình', 'Cường', 'Dũng', 'Đạt', 'Đông', 'Hải', 'Hiếu', 'Hoàng', 'Hùng', 'Huy', 'Khánh', 'Khoa', 'Kiên', 'Long', 'Lộc',
  'Minh', 'Nam', 'Nghĩa', 'Phong', 'Phúc', 'Quân', 'Quang', 'Sơn', 'Tài', 'Thắng', 'Thành', 'Thịnh', 'Toàn', 'Trung', 'Tuấn', 'Việt', 'Vinh',
];
const femaleGiven = [
  'Anh', 'Chi', 'Dung', 'Duyên', 'Giang', 'Hà', 'Hạnh', 'Hằng', 'Hiền', 'Hoa', 'Hương', 'Huyền', 'Lan', 'Liên', 'Linh', 'Loan', 'Mai',
  'Ngân', 'Nga', 'Nhung', 'Oanh', 'Phương', 'Quyên', 'Tâm', 'Thảo', 'Thủy', 'Trang', 'Tuyết', 'Uyên', 'Vân', 'Yến',
];

// Syllables of place names ("Tân Phú", "Hòa Bình", …).
const placeFirst = ['Tân', 'Phú', 'An', 'Hòa', 'Bình', 'Minh', 'Đông', 'Tây', 'Xuân', 'Thanh', 'Hưng', 'Vĩnh', 'Quảng', 'Đức', 'Mỹ', 'Long', 'Yên', 'Hải', 'Phước', 'Thạch', 'Kim', 'Cẩm', 'Nghĩa', 'Trung'];
const placeSecond = ['Lập', 'Thịnh', 'Sơn', 'Hà', 'Lộc', 'Phong', 'Thành', 'Hòa', 'Tiến', 'Hưng', 'An', 'Bình', 'Thuận', 'Lâm', 'Giang', 'Khánh', 'Điền', 'Mỹ', 'Trạch', 'Xá', 'Phú', 'Nguyên', 'Quý', 'Đồng'];

const provinceName = 'Minh Hà';

/** The 13 district-level committees: districts, towns, a city, and the sector committees. */
const districtCommittees: Array<{ name: string; kind: 'rural' | 'urban' | 'agencies' | 'enterprises' | 'armed' }> = [
  { name: `Thành ủy ${provinceName}`, kind: 'urban' },
  { name: 'Thị ủy Sơn Lâm', kind: 'urban' },
  { name: 'Huyện ủy Đông Sơn', kind: 'rural' },
  { name: 'Huyện ủy Tân Phước', kind: 'rural' },
  { name: 'Huyện ủy Hòa An', kind: 'rural' },
  { name: 'Huyện ủy Yên Thịnh', kind: 'rural' },
  { name: 'Huyện ủy Quảng Điền', kind: 'rural' },
  { name: 'Huyện ủy Vĩnh Lộc', kind: 'rural' },
  { name: 'Huyện ủy Cẩm Giang', kind: 'rural' },
  { name: 'Huyện ủy Mỹ Xuân', kind: 'rural' },
  { name: 'Đảng ủy Khối các cơ quan tỉnh', kind: 'agencies' },
  { name: 'Đảng ủy Khối doanh nghiệp tỉnh', kind: 'enterprises' },
  { name: 'Đảng ủy Quân sự tỉnh', kind: 'armed' },
];

const agencies = [
  'Sở Tài chính', 'Sở Kế hoạch và Đầu tư', 'Sở Giáo dục và Đào tạo', 'Sở Y tế', 'Sở Nông nghiệp và Phát triển nông thôn', 'Sở Xây dựng',
  'Sở Giao thông vận tải', 'Sở Tư pháp', 'Sở Nội vụ', 'Sở Công Thương', 'Sở Tài nguyên và Môi trường', 'Sở Văn hóa, Thể thao và Du lịch',
  'Sở Khoa học và Công nghệ', 'Sở Thông tin và Truyền thông', 'Sở Lao động - Thương binh và Xã hội', 'Thanh tra tỉnh', 'Văn phòng UBND tỉnh',
  'Văn phòng Đoàn ĐBQH và HĐND tỉnh', 'Ban Dân tộc tỉnh', 'Báo Minh Hà', 'Đài Phát thanh và Truyền hình tỉnh', 'Trường Chính trị tỉnh',
  'Bệnh viện Đa khoa tỉnh', 'Trường Đại học Minh Hà', 'Cục Thuế tỉnh', 'Kho bạc Nhà nước tỉnh', 'Ngân hàng Nhà nước chi nhánh tỉnh',
  'Bảo hiểm xã hội tỉnh', 'Cục Thống kê tỉnh', 'Liên minh Hợp tác xã tỉnh',
];
const enterprisePrefixes = ['Công ty Cổ phần', 'Công ty TNHH MTV', 'Tổng Công ty'];
const enterpriseTrades = ['Cấp nước', 'Điện lực', 'Xi măng', 'Lâm nghiệp', 'Vận tải', 'Xây lắp', 'Môi trường đô thị', 'Dược phẩm', 'Cao su', 'Thủy lợi', 'Du lịch', 'Chè', 'Phát triển hạ tầng', 'In'];
const armedUnits = ['Ban Chỉ huy Quân sự huyện', 'Trung đoàn', 'Tiểu đoàn', 'Đại đội', 'Ban CHQS thành phố', 'Bộ đội Biên phòng đồn'];

/** The grassroots units per district committee; 556 in all. */
const grassrootsPerDistrict = [50, 24, 46, 44, 45, 43, 47, 42, 44, 43, 60, 38, 30];

export function generateProvince(seed = 1): ProvinceImport {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const familyTotal = familyNames.reduce((sum, [, w]) => sum + w, 0);
  const pickFamily = (): string => {
    let r = random() * familyTotal;
    for (const [name, weight] of familyNames) if ((r -= weight) < 0) return name;
    return familyNames[0]![0];
  };

  const units: ProvinceUnit[] = [{ key: 'tinh', name: `Tỉnh ủy ${provinceName}`, level: 'province', parentKey: null }];
  const grassroots: ProvinceUnit[] = [];
  districtCommittees.forEach((district, d) => {
    const districtKey = `cap-tren-${pad(d + 1, 2)}`;
    units.push({ key: districtKey, name: district.name, level: 'district', parentKey: 'tinh' });
    const used = new Set<string>();
    for (let g = 0; g < grassrootsPerDistrict[d]!; g++) {
      let name: string;
      do name = grassrootsName(district.kind, random, pick);
      while (used.has(name));
      used.add(name);
      const unit = { key: `${districtKey}-co-so-${pad(g + 1, 3)}`, name, level: 'grassroots', parentKey: districtKey };
      units.push(unit);
      grassroots.push(unit);
    }
  });

  // Members per unit: standing committees above, grassroots sizes varied, exactly 78,062 in all.
  const sizes = new Map<string, number>([['tinh', 45]]);
  for (const unit of units) if (unit.level === 'district') sizes.set(unit.key, 35);
  const remaining = provinceShape.members - [...sizes.values()].reduce((a, b) => a + b, 0);
  const weights = grassroots.map(() => 0.35 + random() * random() * 3);
  const weightTotal = weights.reduce((a, b) => a + b, 0);
  const shares = weights.map((w) => Math.max(12, Math.floor((w / weightTotal) * remaining)));
  let left = remaining - shares.reduce((a, b) => a + b, 0);
  for (let i = 0; left !== 0; i = (i + 1) % shares.length) {
    if (left > 0) {
      shares[i]! += 1;
      left--;
    } else if (shares[i]! > 12) {
      shares[i]! -= 1;
      left++;
    }
  }
  grassroots.forEach((unit, i) => sizes.set(unit.key, shares[i]!));

  const members: ProvinceMember[] = [];
  for (const unit of units) {
    const size = sizes.get(unit.key)!;
    const secretaries = unit.level === 'grassroots' ? 1 + Math.floor(random() * 2) : 3;
    const drafters = unit.level === 'grassroots' ? 2 + Math.floor(random() * 3) : 6;
    for (let i = 0; i < size; i++) {
      const female = random() < 0.45;
      const family = pickFamily();
      const middle = pick(female ? femaleMiddle : maleMiddle);
      const given = pick(female ? femaleGiven : maleGiven);
      const displayName = `${family} ${middle} ${given}`.normalize('NFC');
      const role = i < secretaries ? 'secretary' : i < secretaries + drafters ? 'drafter' : 'member';
      const login = `${ascii(given)}.${ascii(family)[0]}${ascii(middle)[0]}.${pad(members.length + 1, 5)}`;
      const member: ProvinceMember = { login, displayName, unitKey: unit.key, role };
      // The committees above get passwords; everyone else activates with a one-time code.
      if (unit.level !== 'grassroots' && role !== 'member') member.password = provincePassword;
      members.push(member);
    }
  }
  return { units, members };
}

function grassrootsName(kind: (typeof districtCommittees)[number]['kind'], random: () => number, pick: <T>(items: readonly T[]) => T): string {
  const place = `${pick(placeFirst)} ${pick(placeSecond)}`;
  switch (kind) {
    case 'rural': {
      const r = random();
      if (r < 0.8) return `Đảng ủy xã ${place}`;
      if (r < 0.88) return `Đảng ủy thị trấn ${place}`;
      return `Chi bộ Trường THCS ${place}`;
    }
    case 'urban': {
      const r = random();
      if (r < 0.6) return `Đảng ủy phường ${place}`;
      if (r < 0.75) return `Đảng ủy xã ${place}`;
      return `Chi bộ Trường THPT ${place}`;
    }
    case 'agencies':
      return random() < 0.5 ? `Đảng bộ ${pick(agencies)}` : `Chi bộ ${pick(agencies)} - phòng ${place}`;
    case 'enterprises':
      return `Đảng bộ ${pick(enterprisePrefixes)} ${pick(enterpriseTrades)} ${place}`;
    case 'armed':
      return `Chi bộ ${pick(armedUnits)} ${place}`;
  }
}

/** Lower-case ASCII of a Vietnamese word, for logins ("Đặng" → "dang"). */
function ascii(word: string): string {
  return word.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').toLowerCase();
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const [file, seedArg] = process.argv.slice(2);
  // `npm run generate:province --runs 5` once wrote an 8.7 MB file named "--runs" into the repository.
  if (file?.startsWith('-') || (seedArg !== undefined && !/^\d+$/.test(seedArg))) {
    console.error('usage: npm run generate:province -- [output.json] [seed]');
    process.exit(2);
  }
  const body = generateProvince(seedArg ? Number(seedArg) : 1);
  const json = JSON.stringify(body);
  if (file) {
    writeFileSync(file, json);
    console.error(`wrote ${file}: ${body.units.length} units, ${body.members.length} members, ${(json.length / 1e6).toFixed(1)} MB`);
  } else {
    process.stdout.write(json);
  }
}

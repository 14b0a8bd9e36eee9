/**
 * Activation letters: one A4 page per member imported without a password, with the unit, the
 * member's name and login, the address to open, the one-time code and until when it works — what
 * a secretary prints and hands out (or posts). Pure: the layout as a pdfmake definition.
 */
import { vietnameseDeadline } from '../domain/notification-texts.js';

export interface ActivationLetter {
  displayName: string;
  login: string;
  code: string;
}

export interface ActivationLetters {
  unitName: string;
  /** The address members open (PUBLIC_URL). */
  url: string;
  issuedAt: Date;
  expiresAt: Date;
  letters: readonly ActivationLetter[];
}

/** The pdfmake content of the letters (fonts and page set by the renderer). */
export function activationLettersContent(input: ActivationLetters): Record<string, unknown>[] {
  return input.letters.map((letter, i) => ({
    ...(i > 0 ? { pageBreak: 'before' } : {}),
    stack: [
      { text: input.unitName.toLocaleUpperCase('vi'), bold: true, alignment: 'center' },
      { text: 'THƯ KÍCH HOẠT TÀI KHOẢN DRAFTROOM', bold: true, fontSize: 16, alignment: 'center', margin: [0, 24, 0, 18] },
      { text: [{ text: 'Kính gửi đồng chí ' }, { text: letter.displayName, bold: true }, { text: ',' }], margin: [0, 0, 0, 10] },
      {
        text: 'Đồng chí được mời tham gia góp ý các dự thảo văn kiện trên draftroom. Để kích hoạt tài khoản, đồng chí mở địa chỉ dưới đây, chọn “Kích hoạt tài khoản”, nhập tên đăng nhập và mã kích hoạt, rồi đặt mật khẩu của mình.',
        alignment: 'justify',
        margin: [0, 0, 0, 14],
      },
      {
        table: {
          widths: ['38%', '62%'],
          body: [
            [{ text: 'Địa chỉ' }, { text: input.url, bold: true }],
            [{ text: 'Tên đăng nhập' }, { text: letter.login, bold: true }],
            [{ text: 'Mã kích hoạt' }, { text: letter.code, bold: true, fontSize: 20, characterSpacing: 2 }],
            [{ text: 'Hiệu lực đến' }, { text: vietnameseDeadline(input.expiresAt) }],
          ],
        },
        layout: { hLineWidth: () => 0.5, vLineWidth: () => 0.5, paddingTop: () => 6, paddingBottom: () => 6 },
        margin: [0, 0, 0, 14],
      },
      { text: 'Mã chỉ dùng được một lần. Không đưa mã cho người khác. Nếu mã hết hạn hoặc bị lộ, đề nghị liên hệ thư ký chi bộ/đảng ủy để được cấp lại (mã cũ sẽ mất hiệu lực).', italics: true, fontSize: 12, alignment: 'justify' },
      { text: `Cấp lúc ${vietnameseDeadline(input.issuedAt)}.`, fontSize: 11, margin: [0, 18, 0, 0], alignment: 'right' },
    ],
  }));
}

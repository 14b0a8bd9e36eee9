import { render } from 'preact';
import { App } from './ui/app';
import { startOutbox } from './annotations/outbox';

render(<App />, document.getElementById('app')!);
startOutbox();

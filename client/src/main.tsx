import { render } from 'preact';
import { App } from './ui/app';
import { startOutbox } from './annotations/outbox';
import { registerServiceWorker } from './ui/offline';

render(<App />, document.getElementById('app')!);
startOutbox();
registerServiceWorker();

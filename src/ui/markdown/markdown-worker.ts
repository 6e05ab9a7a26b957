import { serveMarkdown } from './markdown-service';

// The worker's global scope is typed as a window here (the app is compiled with the DOM library); only its
// message methods are used, which a worker's scope has too.
serveMarkdown(self);

// A build starts from an empty dist/, so files removed from the sources do not linger in the package.
const fs = require('node:fs');
const path = require('node:path');

fs.rmSync(path.resolve(__dirname, '..', 'dist'), { recursive: true, force: true });

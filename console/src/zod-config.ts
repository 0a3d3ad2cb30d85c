import { z } from 'zod';

// zod compiles object parsers with `new Function` unless told not to; the console's CSP
// forbids eval, and zod's probe for it is reported as a violation. Schemas read the setting
// when they are built, so this module is imported before any module that builds one.
z.config({ jitless: true });

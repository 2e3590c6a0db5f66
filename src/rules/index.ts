/** The rules `check` runs, in report order. */
import { buildsCCode } from './builds-c-code.js';
import { crossEnvironment } from './cross-environment.js';
import { dlopen } from './dlopen.js';
import { metadataMissing } from './metadata-missing.js';
import { muslBehaviour } from './musl-behaviour.js';
import { nativeLibrary } from './native-library.js';
import { noStaticOption } from './no-static-option.js';
import type { Rule } from './types.js';
import { unknownNative } from './unknown-native.js';

export const RULES: Rule[] = [nativeLibrary, noStaticOption, metadataMissing, unknownNative, dlopen, crossEnvironment, buildsCCode, muslBehaviour];

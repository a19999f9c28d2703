/** Fuzzing from the contracts, first half: org, user, report, import (test/security/fuzz-harness.ts). */
import { FUZZ_HALVES, fuzzFunctions } from './fuzz-harness';

fuzzFunctions(FUZZ_HALVES.a, 5000);

/** Fuzzing from the contracts, second half: merchant, lifecycle, metrics, visit (test/security/fuzz-harness.ts). */
import { functionNames } from './actions';
import { FUZZ_HALVES, fuzzFunctions } from './fuzz-harness';

fuzzFunctions(FUZZ_HALVES.b, 5000);

it('the two halves fuzz every function', () => {
  expect([...FUZZ_HALVES.a, ...FUZZ_HALVES.b].sort()).toEqual(functionNames());
});

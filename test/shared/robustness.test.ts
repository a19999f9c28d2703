import fc from 'fast-check';
import { checksProblem } from '../../shared/domain/check.rules';
import { creditCodeProblem } from '../../shared/domain/credit-code.rules';
import { townshipProblem } from '../../shared/domain/division.rules';
import { locationProblem, polygonProblem } from '../../shared/domain/geo.rules';
import { idNumberProblem } from '../../shared/domain/id-number.rules';
import { errorSentence, fieldLabel } from '../../shared/domain/labels';
import { duplicateReasons, isComplete, missingFields } from '../../shared/domain/merchant-file.rules';
import { mobileProblem, normalizeMobile } from '../../shared/domain/mobile.rules';
import { parsePeriod, periodProblem } from '../../shared/domain/period.rules';
import { holdingsProblem } from '../../shared/domain/product.rules';
import { DEFAULT_SETTINGS, applySettingsPatch, resolveSettings } from '../../shared/domain/settings.rules';

/** Whatever a client may send: the rules answer with a reason (or null), never throw. */
const anything = fc.anything({ withNullPrototype: true, withBigInt: false, maxDepth: 3 });
const isReason = (r: unknown) => r === null || (typeof r === 'string' && r.length > 0);

describe('rules never throw on arbitrary input', () => {
  it('validators answer with a reason or null', () => {
    fc.assert(
      fc.property(anything, anything, (a, b) => {
        return (
          isReason(creditCodeProblem(a as string)) &&
          isReason(idNumberProblem(a as string)) &&
          isReason(mobileProblem(a as string)) &&
          isReason(locationProblem(a, b)) &&
          isReason(polygonProblem(a)) &&
          isReason(periodProblem(a)) &&
          isReason(checksProblem(a as never)) &&
          isReason(holdingsProblem(a as never)) &&
          isReason(townshipProblem(a as string, b as string))
        );
      }),
    );
  });

  it('parsing, completeness, duplicates and settings accept anything', () => {
    fc.assert(
      fc.property(anything, fc.dictionary(fc.constantFrom('name', 'photos', 'address', 'location', 'industry', 'operator', 'products', 'licenceCode'), anything), (a, file) => {
        parsePeriod(a);
        missingFields(file as never);
        isComplete(file as never);
        duplicateReasons(file as never, [{ ...(file as object), _id: 'x' } as never]);
        const s = resolveSettings(a);
        const r = applySettingsPatch(DEFAULT_SETTINGS, a);
        return typeof s.visitRadiusM === 'number' && typeof r.ok === 'boolean';
      }),
    );
  });

  it('sentences and labels are always text', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (field, message) => {
        const s = errorSentence({ code: 'VALIDATION', message, details: { issues: [{ field, message }] } });
        return typeof s === 'string' && s.length > 0 && typeof fieldLabel(field) === 'string' && typeof normalizeMobile(message) === 'string';
      }),
    );
  });
});

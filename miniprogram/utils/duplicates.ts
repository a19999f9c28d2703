/** Why a merchant looks like a duplicate, in words (reasons from shared/domain/merchant-file.rules). */
export const DUPLICATE_REASON_LABELS: Record<string, string> = {
  'same-mobile': '经营者手机号相同',
  'same-licence': '统一社会信用代码相同',
  'same-name-nearby': '50 米内有同名商户',
};

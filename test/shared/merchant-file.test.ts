import fc from 'fast-check';
import {
  REQUIRED_FILE_FIELDS,
  duplicateReasons,
  isComplete,
  missingFields,
  normalizeShopName,
  toLngLat,
  type MerchantFileFields,
} from '../../shared/domain/merchant-file.rules';

/** A complete file: everything the entry standard requires. */
const complete: MerchantFileFields = {
  name: '老王早点铺',
  photos: ['cloud://env/photos/a.jpg'],
  address: { district: '兴化市', township: '昭阳街道', street: '英武中路', doorPlate: '88号' },
  location: [119.8521, 32.9312],
  industry: '62',
  operator: { name: '王建国', mobile: '13812341234' },
  products: [],
};

describe('merchant file entry standard', () => {
  it('finds nothing missing in a complete file', () => {
    expect(missingFields(complete)).toEqual([]);
    expect(isComplete(complete)).toBe(true);
  });

  it('lists every required field of an empty draft, in form order', () => {
    expect(missingFields({})).toEqual([...REQUIRED_FILE_FIELDS]);
    expect(isComplete({})).toBe(false);
  });

  it('treats blank strings as missing', () => {
    expect(missingFields({ ...complete, name: '  ', operator: { name: '王建国', mobile: ' ' } })).toEqual(['name', 'operator.mobile']);
  });

  it('needs 1 to 3 storefront photos', () => {
    expect(missingFields({ ...complete, photos: [] })).toEqual(['photos']);
    expect(isComplete({ ...complete, photos: ['a', 'b', 'c'] })).toBe(true);
    expect(isComplete({ ...complete, photos: ['a', 'b', 'c', 'd'] })).toBe(false);
  });

  it('accepts "holds no product" as declared, but not products never asked', () => {
    expect(missingFields({ ...complete, products: [] })).toEqual([]);
    expect(missingFields({ ...complete, products: undefined })).toEqual(['products']);
    expect(missingFields({ ...complete, products: null })).toEqual(['products']);
  });

  it('does not require the licence or the ID number', () => {
    expect(missingFields({ ...complete, licenceCode: undefined })).toEqual([]);
  });

  it('accepts a sealed mobile with its hash, not a sealed value without one', () => {
    expect(missingFields({ ...complete, operator: { name: '王建国', mobile: { hash: 'h1' } } })).toEqual([]);
    expect(missingFields({ ...complete, operator: { name: '王建国', mobile: { hash: '' } } })).toEqual(['operator.mobile']);
  });

  it('reads locations as pairs, { lng, lat }, CloudBase points and GeoJSON', () => {
    expect(toLngLat([119.85, 32.93])).toEqual([119.85, 32.93]);
    expect(toLngLat({ longitude: 119.85, latitude: 32.93 })).toEqual([119.85, 32.93]);
    expect(toLngLat({ lng: 119.85, lat: 32.93 })).toEqual([119.85, 32.93]);
    expect(toLngLat({ type: 'Point', coordinates: [119.85, 32.93] })).toEqual([119.85, 32.93]);
    expect(toLngLat({ longitude: Number.NaN, latitude: 32.93 })).toBeNull();
    expect(toLngLat(null)).toBeNull();
    expect(missingFields({ ...complete, location: { longitude: Number.NaN, latitude: 1 } })).toEqual(['location']);
  });

  it('property: a file is complete exactly when no required field is missing and photos ≤ 3', () => {
    const draft = fc.record(
      {
        name: fc.constantFrom('老王早点铺', '', undefined),
        photos: fc.array(fc.constant('p'), { maxLength: 5 }),
        industry: fc.constantFrom('62', undefined),
        products: fc.constantFrom([], undefined),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(draft, (d) => {
        const file = { ...complete, ...d };
        const photos = file.photos?.length ?? 0;
        return isComplete(file) === (missingFields(file).length === 0 && photos <= 3);
      }),
    );
  });
});

describe('duplicate check', () => {
  const here: [number, number] = [119.8521, 32.9312];
  // 0.0003° of latitude ≈ 33 m; 0.0006° ≈ 67 m
  const existing = [
    { _id: 'm1', name: '老王 早点铺', location: [119.8521, 32.9315] as [number, number], operator: { mobile: { hash: 'other' } } },
    { _id: 'm2', name: '老王早点铺', location: [119.8521, 32.9318] as [number, number] },
    { _id: 'm3', name: '便民超市', location: [119.9, 32.95] as [number, number], operator: { mobile: { hash: 'h-mobile' } } },
    { _id: 'm4', name: '五金店', licenceCode: '92321281MA1XY2K3X0', location: [119.7, 32.9] as [number, number] },
    { _id: 'm5', name: '老王早点铺', licenceCode: '92321281ma1xy2k3x0', operator: { mobile: { hash: 'h-mobile' } } },
  ];
  const candidate: MerchantFileFields = {
    name: '老王早点铺',
    location: here,
    licenceCode: '92321281MA1XY2K3X0',
    operator: { mobile: { hash: 'h-mobile' } },
  };

  it('finds the same mobile, the same licence and the same name within 50 m, with every reason per match', () => {
    const matches = duplicateReasons(candidate, existing);
    const byId = Object.fromEntries(matches.map((m) => [m.merchantId, m]));
    expect(byId.m1.reasons).toEqual(['same-name-nearby']);
    expect(byId.m1.distanceM).toBe(33);
    expect(byId.m2).toBeUndefined(); // same name but 67 m away
    expect(byId.m3.reasons).toEqual(['same-mobile']);
    expect(byId.m4.reasons).toEqual(['same-licence']);
    expect(byId.m5.reasons).toEqual(['same-mobile', 'same-licence']); // no location: name alone can't match
    expect(byId.m5.distanceM).toBeUndefined();
  });

  it('ranks matches with more reasons first, then the nearer', () => {
    expect(duplicateReasons(candidate, existing).map((m) => m.merchantId)).toEqual(['m5', 'm1', 'm3', 'm4']);
  });

  it('skips the merchant itself when an existing file is edited', () => {
    expect(duplicateReasons({ ...candidate, _id: 'm5' }, existing).map((m) => m.merchantId)).not.toContain('m5');
  });

  it('finds nothing for a new shop', () => {
    expect(duplicateReasons({ name: '新开花店', location: here, operator: { mobile: { hash: 'new' } } }, existing)).toEqual([]);
  });

  it('compares names ignoring width, case, spaces and punctuation', () => {
    expect(normalizeShopName('ＡＢＣ 超市（英武店）')).toBe(normalizeShopName('abc超市(英武店)'));
    expect(normalizeShopName('老王·早点')).toBe('老王早点');
  });
});

import fc from 'fast-check';
import {
  EARTH_RADIUS_M,
  centroid,
  distanceMeters,
  findContainingPolygon,
  isInChina,
  isPointInPolygon,
  isValidCoordinate,
  locationProblem,
  polygonProblem,
  type LngLat,
} from '../../shared/domain/geo.rules';

describe('isInChina', () => {
  it.each([
    ['兴化', 119.83, 32.93], ['北京', 116.4, 39.9], ['上海', 121.47, 31.23], ['广州', 113.26, 23.13],
    ['乌鲁木齐', 87.6, 43.8], ['拉萨', 91.1, 29.65], ['喀什', 75.99, 39.47], ['哈尔滨', 126.6, 45.75],
    ['昆明', 102.7, 25.0], ['海口', 110.33, 20.03], ['三亚', 109.5, 18.25], ['台北', 121.5, 25.05],
    ['香港', 114.17, 22.3], ['澳门', 113.54, 22.19], ['漠河', 122.53, 52.97], ['珲春', 130.37, 42.87],
    ['呼伦湖', 117.4, 48.95], ['阿尔山', 119.94, 47.17], ['二连浩特', 111.98, 43.65], ['塔城', 82.98, 46.75],
    ['阿勒泰', 88.13, 47.84], ['和田', 79.92, 37.11], ['日喀则', 88.88, 29.27], ['林芝', 94.36, 29.65],
    ['景洪', 100.8, 22.0], ['腾冲', 98.5, 25.02], ['南宁', 108.37, 22.82], ['东兴', 107.97, 21.55],
    ['威海', 122.1, 37.5], ['宁波', 121.55, 29.87], ['绥芬河', 131.15, 44.4], ['抚远', 134.29, 48.36],
  ])('%s is inside', (_name, lng, lat) => {
    expect(isInChina(lng, lat)).toBe(true);
  });

  it.each([
    ['Ulaanbaatar', 106.9, 47.9], ['Choibalsan', 114.5, 48.07], ['Gobi, Mongolia', 105, 45], ['Khovd', 91.64, 48.0],
    ['Pyongyang', 125.75, 39.03], ['Rason', 130.3, 42.25], ['Seoul', 126.98, 37.57], ['Jeju', 126.5, 33.4],
    ['Tokyo', 139.7, 35.7], ['Okinawa', 127.7, 26.2], ['Hanoi', 105.85, 21.03], ['Ha Giang', 104.98, 22.82],
    ['Luang Prabang', 102.13, 19.88], ['Mandalay', 96.08, 21.97], ['Lashio', 97.75, 22.93],
    ['Myitkyina', 97.4, 25.38], ['Kathmandu', 85.3, 27.7], ['Thimphu', 89.64, 27.47], ['Delhi', 77.2, 28.6],
    ['Leh', 77.58, 34.16], ['Islamabad', 73.05, 33.7], ['Bishkek', 74.6, 42.87], ['Almaty', 76.9, 43.25],
    ['Vladivostok', 131.9, 43.1], ['Khabarovsk', 135.07, 48.48], ['Chita', 113.5, 52.03], ['Manila', 120.98, 14.6],
    ['(0, 0)', 0, 0], ['兴化 with lng and lat swapped', 32.93, 119.83],
  ])('%s is outside', (_name, lng, lat) => {
    expect(isInChina(lng, lat)).toBe(false);
  });

  it('refuses non-numbers and out-of-range values', () => {
    expect(isInChina(Number.NaN, 30)).toBe(false);
    expect(isValidCoordinate(181, 0)).toBe(false);
    expect(isValidCoordinate(0, -91)).toBe(false);
    expect(isValidCoordinate('119', 32)).toBe(false);
    expect(locationProblem(119.83, 32.93)).toBeNull();
    expect(locationProblem(32.93, 119.83)).toBe('位置坐标无效');
    expect(locationProblem(139.7, 35.7)).toMatch(/不在中国境内/);
  });
});

describe('distanceMeters (haversine)', () => {
  it('gives one degree of latitude as R·π/180', () => {
    expect(distanceMeters([119.83, 32.0], [119.83, 33.0])).toBeCloseTo((EARTH_RADIUS_M * Math.PI) / 180, 3);
  });

  it('gives one degree of longitude at latitude 60 as half of it', () => {
    // Along a parallel the great circle is slightly shorter than the parallel: within 0.01%.
    const expected = ((EARTH_RADIUS_M * Math.PI) / 180) * 0.5;
    expect(Math.abs(distanceMeters([10, 60], [11, 60]) - expected) / expected).toBeLessThan(1e-4);
  });

  it('gives Beijing–Shanghai at about 1,068 km', () => {
    const d = distanceMeters([116.4074, 39.9042], [121.4737, 31.2304]);
    expect(d / 1000).toBeGreaterThan(1060);
    expect(d / 1000).toBeLessThan(1075);
  });

  it('measures metre-scale distances inside a grid', () => {
    // 0.001° of latitude ≈ 111.2 m
    expect(distanceMeters([119.83, 32.93], [119.83, 32.931])).toBeCloseTo(111.2, 0);
    expect(distanceMeters([119.83, 32.93], [119.83, 32.93])).toBe(0);
  });

  const point = fc.tuple(fc.double({ min: 73, max: 135, noNaN: true }), fc.double({ min: 18, max: 54, noNaN: true }));

  it('property: symmetric, non-negative and obeys the triangle inequality', () => {
    fc.assert(
      fc.property(point, point, point, (a, b, c) => {
        const ab = distanceMeters(a, b);
        return ab >= 0 && Math.abs(ab - distanceMeters(b, a)) < 1e-6 && ab <= distanceMeters(a, c) + distanceMeters(c, b) + 1e-6;
      }),
    );
  });
});

describe('isPointInPolygon', () => {
  const square: LngLat[] = [[0, 0], [10, 0], [10, 10], [0, 10]];
  const concave: LngLat[] = [[0, 0], [10, 0], [10, 10], [5, 5], [0, 10]]; // a notch from the top

  it('tells inside from outside', () => {
    expect(isPointInPolygon([5, 5], square)).toBe(true);
    expect(isPointInPolygon([15, 5], square)).toBe(false);
    expect(isPointInPolygon([-1, 5], square)).toBe(false);
    expect(isPointInPolygon([5, 11], square)).toBe(false);
  });

  it('counts the boundary as inside: edges and vertices', () => {
    expect(isPointInPolygon([10, 5], square)).toBe(true);
    expect(isPointInPolygon([5, 0], square)).toBe(true);
    expect(isPointInPolygon([0, 0], square)).toBe(true);
    expect(isPointInPolygon([10, 10], square)).toBe(true);
  });

  it('keeps the edge tolerance tiny on short edges (a 1 m wide polygon)', () => {
    const sliver: LngLat[] = [[119.83, 32.93], [119.83001, 32.93], [119.83001, 32.93001], [119.83, 32.93001]];
    expect(isPointInPolygon([119.830005, 32.930005], sliver)).toBe(true);
    expect(isPointInPolygon([119.83002, 32.930005], sliver)).toBe(false); // about 1 m outside
    expect(isPointInPolygon([119.830005, 32.93], sliver)).toBe(true); // on the edge
  });

  it('handles a ray passing exactly through a vertex', () => {
    const diamond: LngLat[] = [[5, 0], [10, 5], [5, 10], [0, 5]];
    expect(isPointInPolygon([2, 5], diamond)).toBe(true);
    expect(isPointInPolygon([-2, 5], diamond)).toBe(false);
    expect(isPointInPolygon([12, 5], diamond)).toBe(false);
  });

  it('handles concave polygons', () => {
    expect(isPointInPolygon([5, 8], concave)).toBe(false);
    expect(isPointInPolygon([5, 3], concave)).toBe(true);
    expect(isPointInPolygon([2, 8], concave)).toBe(true);
    expect(isPointInPolygon([7.5, 7.5], concave)).toBe(true); // on the notch edge
  });

  it('accepts a closed ring the same as an open one, and refuses degenerate rings', () => {
    expect(isPointInPolygon([5, 5], [...square, [0, 0]])).toBe(true);
    expect(isPointInPolygon([15, 5], [...square, [0, 0]])).toBe(false);
    expect(isPointInPolygon([0, 0], [[0, 0], [1, 1]])).toBe(false);
  });

  it('places a merchant in the first grid whose boundary holds it', () => {
    const grids = [
      { id: 'g0' },
      { id: 'west', boundary: [[119.8, 32.9], [119.83, 32.9], [119.83, 32.95], [119.8, 32.95]] as LngLat[] },
      { id: 'east', boundary: [[119.83, 32.9], [119.86, 32.9], [119.86, 32.95], [119.83, 32.95]] as LngLat[] },
    ];
    expect(findContainingPolygon([119.845, 32.93], grids)?.id).toBe('east');
    expect(findContainingPolygon([119.83, 32.93], grids)?.id).toBe('west'); // on the shared edge: first wins
    expect(findContainingPolygon([119.9, 32.93], grids)).toBeNull();
  });

  it('property: a point strictly inside a random rectangle is inside, one beyond it is outside', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 100, max: 120, noNaN: true }), fc.double({ min: 20, max: 40, noNaN: true }),
        fc.double({ min: 0.001, max: 1, noNaN: true }), fc.double({ min: 0.001, max: 1, noNaN: true }),
        fc.double({ min: 0.01, max: 0.99, noNaN: true }), fc.double({ min: 0.01, max: 0.99, noNaN: true }),
        (x, y, w, h, u, v) => {
          const rect: LngLat[] = [[x, y], [x + w, y], [x + w, y + h], [x, y + h]];
          return isPointInPolygon([x + u * w, y + v * h], rect) && !isPointInPolygon([x + w * (1 + u), y + v * h], rect);
        },
      ),
    );
  });
});

describe('polygonProblem', () => {
  const grid: LngLat[] = [[119.8, 32.9], [119.83, 32.9], [119.83, 32.95], [119.8, 32.95]];

  it('accepts a grid boundary given open or closed', () => {
    expect(polygonProblem(grid)).toBeNull();
    expect(polygonProblem([...grid, grid[0]])).toBeNull();
  });

  it('refuses fewer than three distinct points, collinear points and bad coordinates', () => {
    expect(polygonProblem('nope')).toMatch(/坐标点列表/);
    expect(polygonProblem([[119.8, 32.9], [119.83, 32.9], [119.8, 32.9]])).toMatch(/至少需要3个/);
    expect(polygonProblem([[119.8, 32.9], [119.81, 32.91], [119.82, 32.92]])).toMatch(/同一直线/);
    expect(polygonProblem([[119.8, 32.9], [119.83, 'x'], [119.83, 32.95]])).toMatch(/第2个点坐标无效/);
    expect(polygonProblem([[119.8, 32.9], [119.83, 32.9, 1], [119.83, 32.95]])).toMatch(/第2个点坐标无效/);
    expect(polygonProblem([[119.8, 32.9], [139.7, 35.7], [119.83, 32.95]])).toMatch(/第2个点不在中国境内/);
  });

  it('refuses more than 500 points', () => {
    const many: LngLat[] = Array.from({ length: 502 }, (_, i) => [
      119.83 + 0.01 * Math.cos((2 * Math.PI * i) / 502),
      32.93 + 0.01 * Math.sin((2 * Math.PI * i) / 502),
    ]);
    expect(polygonProblem(many)).toMatch(/最多500个点/);
  });
});

describe('centroid', () => {
  it('is the centre of a rectangle and of a triangle', () => {
    const c = centroid([[119.8, 32.9], [119.84, 32.9], [119.84, 32.96], [119.8, 32.96]]);
    expect(c[0]).toBeCloseTo(119.82, 10);
    expect(c[1]).toBeCloseTo(32.93, 10);
    const t = centroid([[0, 0], [6, 0], [0, 3]]);
    expect(t[0]).toBeCloseTo(2, 12);
    expect(t[1]).toBeCloseTo(1, 12);
  });

  it('weights by area, not by vertex count', () => {
    // An L shape: 2×1 bar plus a 1×1 square on top of its left half; area 3,
    // centroid x = (2·1 + 1·0.5)/3 = 0.8333, y = (2·0.5 + 1·1.5)/3 = 0.8333
    const l = centroid([[0, 0], [2, 0], [2, 1], [1, 1], [1, 2], [0, 2]]);
    expect(l[0]).toBeCloseTo(5 / 6, 12);
    expect(l[1]).toBeCloseTo(5 / 6, 12);
  });

  it('falls back to the mean of the vertices for a zero-area ring, and throws on an empty one', () => {
    expect(centroid([[0, 0], [2, 2], [4, 4]])).toEqual([2, 2]);
    expect(() => centroid([])).toThrow();
  });
});

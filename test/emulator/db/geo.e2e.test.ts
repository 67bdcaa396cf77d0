// Test layer (emulator/db): 2dsphere queries and the geoNear stage through the real SDK (db.Geo values stored as
// GeoJSON), with distances in meters on MongoDB's sphere.
import { startHarness, sdkDb, rejection, type Harness, type SdkDb } from './harness';

let h: Harness;
let db: SdkDb;

beforeAll(async () => {
  h = await startHarness();
  db = sdkDb(h.url);
  await db.createCollection('places');
  const P = (lng: number, lat: number) => db.Geo.Point(lng, lat);
  await db.collection('places').add({
    data: [
      { _id: 'canton-tower', city: 'Guangzhou', at: P(113.30593, 23.1361155) },
      { _id: 'baiyun', city: 'Guangzhou', at: P(113.306789, 23.1564721) },
      { _id: 'palace', city: 'Beijing', at: P(116.3949659, 39.9163447) },
      { _id: 'wall', city: 'Beijing', at: P(116.2328567, 40.242373) },
      { _id: 'origin', city: 'Null Island', at: P(0, 0) },
      { _id: 'nowhere', city: 'none' },
    ],
  });
});
afterAll(() => h.close());

const ids = (res: { data: { _id: string }[] }): string[] => res.data.map((d) => d._id);
const square = (): unknown => {
  const { Point, LineString, Polygon } = db.Geo;
  return Polygon([LineString([Point(-2, -2), Point(2, -2), Point(2, 2), Point(-2, 2), Point(-2, -2)])]);
};

it('stored points come back as db.Geo.Point', async () => {
  const res = await db.collection('places').doc('origin').get();
  expect(res.data.at.constructor.name).toBe('Point');
  expect(res.data.at).toMatchObject({ longitude: 0, latitude: 0 });
});

it('geoNear keeps points within maxDistance and answers them nearest first', async () => {
  const _ = db.command;
  const res = await db.collection('places').where({ at: _.geoNear({ geometry: db.Geo.Point(113.3089506, 23.0968251), maxDistance: 10_000 }) }).get();
  expect(ids(res)).toEqual(['canton-tower', 'baiyun']);
});

it('geoNear with minDistance leaves out the points closer than it', async () => {
  const _ = db.command;
  const res = await db.collection('places').where({ at: _.geoNear({ geometry: db.Geo.Point(113.3089506, 23.0968251), minDistance: 5_000, maxDistance: 2_000_000 }) }).get();
  expect(ids(res)).toEqual(['baiyun', 'palace', 'wall']);
});

it('geoWithin a polygon', async () => {
  const _ = db.command;
  expect(ids(await db.collection('places').where({ at: _.geoWithin({ geometry: square() }) }).get())).toEqual(['origin']);
});

it('geoWithin a centerSphere (radius in radians)', async () => {
  const _ = db.command;
  const res = await db.collection('places').where({ at: _.geoWithin({ centerSphere: [db.Geo.Point(116.39, 39.92), 10 / 6378.1] }) }).get();
  expect(ids(res)).toEqual(['palace']);
});

it('geoIntersects a line crossing the polygon, and a polygon stored in a document', async () => {
  const _ = db.command;
  const { Point, LineString } = db.Geo;
  await db.createCollection('zones');
  await db.collection('zones').add({ data: [{ _id: 'sq', area: square() }, { _id: 'far', area: db.Geo.Polygon([LineString([Point(10, 10), Point(11, 10), Point(11, 11), Point(10, 10)])]) }] });
  const res = await db.collection('zones').where({ area: _.geoIntersects({ geometry: LineString([Point(-5, 0), Point(5, 0)]) }) }).get();
  expect(ids(res)).toEqual(['sq']);
  const hit = await db.collection('zones').where({ area: _.geoIntersects({ geometry: Point(10.8, 10.2) }) }).get();
  expect(ids(hit)).toEqual(['far']);
});

it('the geoNear aggregation stage adds the distance in meters and filters with query', async () => {
  const res = await db
    .collection('places')
    .aggregate()
    .geoNear({ distanceField: 'distance', spherical: true, near: db.Geo.Point(113.3089506, 23.0968251), query: { city: /zhou/ }, key: 'at', includeLocs: 'loc' })
    .end();
  expect(res.list.map((d: { _id: string }) => d._id)).toEqual(['canton-tower', 'baiyun']);
  expect(res.list[1].distance).toBe(6643.521654040738); // exactly what node-sdk's test expects of the live server
  expect(res.list[1].loc).toEqual({ type: 'Point', coordinates: [113.306789, 23.1564721] });
});

it('the geoNear stage finds the only geo field without key, and honours maxDistance', async () => {
  const res = await db.collection('places').aggregate().geoNear({ distanceField: 'd', near: db.Geo.Point(116.4, 39.9), maxDistance: 100_000 }).end();
  expect(res.list.map((d: { _id: string }) => d._id)).toEqual(['palace', 'wall']);
});

it('a geoNear stage that is not first is refused', async () => {
  const e = await rejection(() => db.collection('places').aggregate().match({ city: 'Beijing' }).geoNear({ distanceField: 'd', near: db.Geo.Point(116.4, 39.9) }).end());
  expect(e.code).toBe('INVALID_PARAM');
  expect(e.message).toContain('first stage');
});

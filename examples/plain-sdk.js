// Example: a plain Node script using the real, unmodified wx-server-sdk against the emulator.
// Run `npm start`, copy the `export …` line it prints into this shell, then: node examples/plain-sdk.js
const cloud = require('wx-server-sdk');

cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV });
const db = cloud.database({ throwOnNotFound: false });
const _ = db.command;

async function main() {
  const notes = db.collection('users');
  const id = `script-${Date.now()}`;
  await notes.add({ data: { _id: id, nickname: '脚本用户', tags: ['demo'], visits: 1 } });
  await notes.doc(id).update({ data: { visits: _.inc(1) } });
  const { data } = await notes.doc(id).get();
  const { total } = await notes.where({ tags: 'demo' }).count();
  console.log(JSON.stringify({ wrote: id, read: data, demoUsers: total }));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

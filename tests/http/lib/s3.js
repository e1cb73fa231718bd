// A local S3-compatible server for tests: @20minutes/s3rver (a fork of
// s3rver that verifies SigV4 signatures, header and query-string, and the
// expiry of presigned URLs; s3rver 3.7 accepts any V4 signature) on
// 127.0.0.1 with an ephemeral port, its objects in a folder of its own.
// The bucket allows browser PUTs and GETs from any origin (CORS), as a
// bucket taking direct uploads must.
'use strict';
const fs = require('node:fs');
const crypto = require('node:crypto');
const S3rver = require('@20minutes/s3rver');

// s3rver's built-in account.
const ACCESS_KEY = 'S3RVER';
const SECRET_KEY = 'S3RVER';

const CORS = `<CORSConfiguration>
  <CORSRule>
    <AllowedOrigin>*</AllowedOrigin>
    <AllowedMethod>GET</AllowedMethod>
    <AllowedMethod>PUT</AllowedMethod>
    <AllowedHeader>*</AllowedHeader>
    <MaxAgeSeconds>300</MaxAgeSeconds>
  </CORSRule>
</CORSConfiguration>`;

// Start a server with the named buckets; { url, port, dir, close() }.
async function start(buckets, dir) {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const server = new S3rver({
    address: '127.0.0.1', port: 0, silent: true, directory: dir,
    configureBuckets: buckets.map((name) => ({ name, configs: [CORS] })),
  });
  const { port } = await server.run();
  return { url: `http://127.0.0.1:${port}`, port, dir, close: () => server.close() };
}

// Environment for a beaubelle process that keeps its media in bucket.
function env(s3, bucket, extra = {}) {
  return {
    BEAUBELLE_MEDIA_BACKEND: 's3',
    BEAUBELLE_S3_ENDPOINT: s3.url,
    BEAUBELLE_S3_BUCKET: bucket,
    BEAUBELLE_S3_PATH_STYLE: '1',
    BEAUBELLE_S3_REGION: 'us-east-1',
    BEAUBELLE_S3_ACCESS_KEY: ACCESS_KEY,
    BEAUBELLE_S3_SECRET_KEY: SECRET_KEY,
    BEAUBELLE_S3_PUBLIC_URL: '',
    BEAUBELLE_S3_TIMEOUT: '3s',
    BEAUBELLE_S3_RETRIES: '1',
    ...extra,
  };
}

const sha256 = (buf) => crypto.createHash('sha256').update(buf).digest('hex');
// The key of a stored variant, as media/store.h names it.
const mediaKey = (hash, variant) => `${hash.slice(0, 2)}/${hash.slice(2, 4)}/${hash}-${variant}.webp`;

module.exports = { start, env, sha256, mediaKey, ACCESS_KEY, SECRET_KEY };

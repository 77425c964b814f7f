// tests/face/reference.mjs PACKAGE_DIR OUT.json IMAGE.ppm...
//
// The reference for cc-facecheck: face-api.js (the npm package
// @vladmandic/face-api, its dist/face-api.esm.js with tfjs bundled) on tfjs's
// pure-JS CPU backend. For each binary PPM (P6) image it writes every face
// found by the tiny face detector at input size 416, score threshold 0.5
// (the package's defaults), with its 68 landmarks and 128-d descriptor.
//
// The bundle's Node platform takes TextEncoder, TextDecoder and typed-array
// checks from a `util` polyfill that does not work under Node; a temporary
// copy of the bundle gets Node's own instead.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const [pkg, out, ...images] = process.argv.slice(2);
if (!pkg || !out) {
	console.error('usage: reference.mjs PACKAGE_DIR OUT.json IMAGE.ppm...');
	process.exit(2);
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'face-ref-'));
const bundle = path.join(tmp, 'face-api.esm.mjs');
const src = fs.readFileSync(path.join(pkg, 'dist/face-api.esm.js'), 'utf8');
const util = 'this.util={TextEncoder:globalThis.TextEncoder,' +
	'TextDecoder:globalThis.TextDecoder,types:{' +
	'isFloat32Array:a=>a instanceof Float32Array,' +
	'isInt32Array:a=>a instanceof Int32Array,' +
	'isUint8Array:a=>a instanceof Uint8Array,' +
	'isUint8ClampedArray:a=>a instanceof Uint8ClampedArray}}';
const patched = src.replace(/this\.util=[A-Za-z0-9_$]+\(\)/, util);
if (patched === src) {
	console.error('reference.mjs: the util polyfill was not found in the bundle');
	process.exit(4);
}
fs.writeFileSync(bundle, patched);
const faceapi = await import(bundle);
fs.rmSync(tmp, { recursive: true });
const tf = faceapi.tf;
await tf.setBackend('cpu');
await tf.ready();

function loadNet(net, name) {
	const dir = path.join(pkg, 'model');
	const manifest = JSON.parse(fs.readFileSync(
		path.join(dir, `${name}-weights_manifest.json`), 'utf8'));
	const specs = [];
	const bufs = [];
	for (const group of manifest) {
		specs.push(...group.weights);
		for (const p of group.paths)
			bufs.push(fs.readFileSync(path.join(dir, p)));
	}
	const all = Buffer.concat(bufs);
	const ab = all.buffer.slice(all.byteOffset, all.byteOffset + all.length);
	net.loadFromWeightMap(tf.io.decodeWeights(ab, specs));
}
loadNet(faceapi.nets.tinyFaceDetector, 'tiny_face_detector_model');
loadNet(faceapi.nets.faceLandmark68Net, 'face_landmark_68_model');
loadNet(faceapi.nets.faceRecognitionNet, 'face_recognition_model');

// Binary PPM, maxval 255, comments allowed in the header.
function readPPM(file) {
	const b = fs.readFileSync(file);
	let pos = 0;
	const fields = [];
	while (fields.length < 4) {
		while (/\s/.test(String.fromCharCode(b[pos]))) pos++;
		if (b[pos] === 0x23) {
			while (b[pos] !== 0x0a) pos++;
			continue;
		}
		let s = '';
		while (!/\s/.test(String.fromCharCode(b[pos]))) s += String.fromCharCode(b[pos++]);
		fields.push(s);
	}
	pos++;
	const [magic, w, h, max] = [fields[0], +fields[1], +fields[2], +fields[3]];
	if (magic !== 'P6' || max !== 255) throw new Error(`${file}: not an 8-bit P6 PPM`);
	return tf.tensor3d(new Uint8Array(b.subarray(pos, pos + w * h * 3)), [h, w, 3], 'int32');
}

const opts = new faceapi.TinyFaceDetectorOptions({ inputSize: 416, scoreThreshold: 0.5 });
const result = { reference: 'face-api.js 1.7.15, tfjs ' + tf.version_core + ', cpu backend', images: [] };
const round = (v) => Math.round(v * 1e6) / 1e6;
const times = [];
for (const file of images) {
	const img = readPPM(file);
	const t0 = process.hrtime.bigint();
	const faces = await faceapi.detectAllFaces(img, opts).withFaceLandmarks().withFaceDescriptors();
	times.push(Number(process.hrtime.bigint() - t0) / 1e6);
	result.images.push({
		image: path.basename(file),
		width: img.shape[1],
		height: img.shape[0],
		faces: faces.map((f) => ({
			score: round(f.detection.score),
			box: [f.detection.box.x, f.detection.box.y, f.detection.box.width,
				f.detection.box.height].map(round),
			landmarks: f.landmarks.positions.map((p) => [round(p.x), round(p.y)]),
			descriptor: Array.from(f.descriptor).map((v) => round(v)),
		})),
	});
	img.dispose();
}
result.ms = times.map((t) => Math.round(t * 10) / 10);
fs.writeFileSync(out, JSON.stringify(result, null, 1) + '\n');

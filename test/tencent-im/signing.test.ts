import { inflateSync } from 'node:zlib';
import {
	generateUserSig,
	tencentBase64Decode,
	tencentBase64Encode,
	userSigHmac,
} from '../../nodes/TencentIm/transport/signing';

// Reference §1.6 vectors (computed with Tencent's official npm package).
const KEY = '5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e';
const VEC = {
	sdkAppId: 1400000000,
	secretKey: KEY,
	identifier: 'administrator',
	expireSeconds: 86400,
	now: 1700000000,
};
const EXPECTED_SIG = 'yLAe+w7WUeUuqbV9h/TX78u21oTGi+i9Zp1u3PpnY60=';
const NPM_USERSIG =
	'eJyrVgrxCdYrSy1SslIy0jNQ0gHzM1NS80oy0zLBwokpuZl5mcUlRYkl*UVQBcUp2YkFBZkpSlaGJgZQAJEpycxNVbIyNEcVTa0oyCxKVbKyMDOBCRVnpitZKVX6OKZql5uHh6aGlhYmhVlm6IdEmFuUGhnmh7hnamdaRhUYlhoHFORFmhnYKtUCAK0SM5I_';
const STORED_USERSIG =
	'eAEBrgBR-3siVExTLnZlciI6IjIuMCIsIlRMUy5pZGVudGlmaWVyIjoiYWRtaW5pc3RyYXRvciIsIlRMUy5zZGthcHBpZCI6MTQwMDAwMDAwMCwiVExTLnRpbWUiOjE3MDAwMDAwMDAsIlRMUy5leHBpcmUiOjg2NDAwLCJUTFMuc2lnIjoieUxBZSt3N1dVZVV1cWJWOWgvVFg3OHUyMW9UR2kraTlacDF1M1Bwblk2MD0ifa0SM5I_';

function decodeDoc(userSig: string): Record<string, unknown> {
	return JSON.parse(inflateSync(tencentBase64Decode(userSig)).toString('utf8')) as Record<
		string,
		unknown
	>;
}

const EXPECTED_DOC = {
	'TLS.ver': '2.0',
	'TLS.identifier': 'administrator',
	'TLS.sdkappid': 1400000000,
	'TLS.time': 1700000000,
	'TLS.expire': 86400,
	'TLS.sig': EXPECTED_SIG,
};

describe('Tencent IM UserSig signing', () => {
	it('computes the reference TLS.sig exactly', () => {
		expect(userSigHmac(VEC)).toBe(EXPECTED_SIG);
	});

	it('the HMAC depends on every input', () => {
		expect(userSigHmac({ ...VEC, now: VEC.now + 1 })).not.toBe(EXPECTED_SIG);
		expect(userSigHmac({ ...VEC, identifier: 'admin' })).not.toBe(EXPECTED_SIG);
		expect(userSigHmac({ ...VEC, sdkAppId: 1400000001 })).not.toBe(EXPECTED_SIG);
		expect(userSigHmac({ ...VEC, expireSeconds: 86401 })).not.toBe(EXPECTED_SIG);
		expect(userSigHmac({ ...VEC, secretKey: KEY + 'x' })).not.toBe(EXPECTED_SIG);
	});

	it('generateUserSig produces a zlib stream of the expected JSON, in Tencent base64', async () => {
		const sig = await generateUserSig(VEC);
		expect(sig).toMatch(/^[A-Za-z0-9*_-]+$/);
		expect(sig).not.toMatch(/[+/=]/);
		const raw = tencentBase64Decode(sig);
		expect(raw[0]).toBe(0x78); // zlib header (RFC 1950)
		expect(decodeDoc(sig)).toEqual(EXPECTED_DOC);
	});

	it('generateUserSig defaults "now" to the current time', async () => {
		const before = Math.floor(Date.now() / 1000);
		const doc = decodeDoc(await generateUserSig({ ...VEC, now: undefined }));
		const after = Math.floor(Date.now() / 1000);
		expect(doc['TLS.time']).toBeGreaterThanOrEqual(before);
		expect(doc['TLS.time']).toBeLessThanOrEqual(after);
		expect(doc['TLS.sig']).toBe(userSigHmac({ ...VEC, now: doc['TLS.time'] as number }));
	});

	it('both reference UserSigs (npm deflate and stored-block) decode to the same JSON', () => {
		const a = decodeDoc(NPM_USERSIG);
		const b = decodeDoc(STORED_USERSIG);
		expect(a).toEqual(EXPECTED_DOC);
		expect(b).toEqual(EXPECTED_DOC);
		// The stored-block form is a zlib stream with the "no compression" header.
		expect([...tencentBase64Decode(STORED_USERSIG).subarray(0, 2)]).toEqual([0x78, 0x01]);
	});

	it('Tencent base64 round-trips and maps + / = to * - _', () => {
		const bytes = Uint8Array.from([0xfb, 0xff, 0xbf, 0x00, 0x3e]);
		const std = Buffer.from(bytes).toString('base64'); // "+/+/AD4=" style characters
		const enc = tencentBase64Encode(bytes);
		expect(enc).toBe(std.replace(/\+/g, '*').replace(/\//g, '-').replace(/=/g, '_'));
		expect(enc).toMatch(/[*-]/);
		expect(enc.endsWith('_')).toBe(true);
		expect([...tencentBase64Decode(enc)]).toEqual([...bytes]);
		// a view into a larger buffer encodes only its own bytes
		const big = Uint8Array.from([1, 2, 3, 4, 5, 6]);
		expect(tencentBase64Encode(big.subarray(2, 4))).toBe(
			tencentBase64Encode(Uint8Array.from([3, 4])),
		);
	});

	it('tencentBase64Decode rejects standard-alphabet and foreign characters', () => {
		expect(() => tencentBase64Decode('ab+/')).toThrow();
		expect(() => tencentBase64Decode('abc=')).toThrow();
		expect(() => tencentBase64Decode('ab c')).toThrow();
		expect(() => tencentBase64Decode('abcde')).toThrow();
	});

	describe('input validation', () => {
		const cases: Array<[string, Record<string, unknown>, RegExp]> = [
			['sdkAppId zero', { sdkAppId: 0 }, /sdkAppId/],
			['sdkAppId fraction', { sdkAppId: 1.5 }, /sdkAppId/],
			['sdkAppId string', { sdkAppId: '1400000000' }, /sdkAppId/],
			['empty key', { secretKey: '' }, /secretKey/],
			['empty identifier', { identifier: '' }, /identifier/],
			['expire zero', { expireSeconds: 0 }, /expireSeconds/],
			['expire negative', { expireSeconds: -5 }, /expireSeconds/],
			['expire fraction', { expireSeconds: 3.5 }, /expireSeconds/],
			['now negative', { now: -1 }, /now/],
		];
		for (const [name, patch, re] of cases) {
			it(`rejects ${name} with a message naming the field and not the key`, async () => {
				const input = { ...VEC, ...patch } as unknown as typeof VEC;
				let msg = '';
				try {
					userSigHmac(input);
				} catch (e) {
					msg = (e as Error).message;
				}
				expect(msg).toMatch(re);
				expect(msg).not.toContain(KEY);
				await expect(generateUserSig(input)).rejects.toThrow(re);
			});
		}

		it('a non-string key is refused without echoing it', async () => {
			const input = { ...VEC, secretKey: ['top-secret-value'] } as unknown as typeof VEC;
			expect(() => userSigHmac(input)).toThrow(/secretKey/);
			await generateUserSig(input).then(
				() => {
					throw new Error('should have been rejected');
				},
				(e: Error) => expect(e.message).not.toContain('top-secret-value'),
			);
		});

		it('never leaks the key in any validation error', async () => {
			const bad = { ...VEC, expireSeconds: NaN };
			await expect(generateUserSig(bad)).rejects.toThrow(/expireSeconds/);
			await generateUserSig(bad).catch((e: Error) => {
				expect(e.message).not.toContain(KEY.slice(0, 8));
				expect(e.stack ?? '').not.toContain(KEY.slice(0, 8));
			});
		});
	});
});

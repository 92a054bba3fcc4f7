/**
 * The waveform Mixin's clients draw under a voice message: 100 levels of 5 bits (0–31), packed low bit first
 * into 63 bytes, as the Android recorder makes it (`getWaveform2`, the format Telegram uses too).
 */

export const WAVEFORM_LEVELS = 100;
const BITS_PER_LEVEL = 5;
const MAX_LEVEL = 2 ** BITS_PER_LEVEL - 1;
/**
 * The level the Android recorder gives audio of steady loudness: it scales levels so that 1.8 × the mean is 31,
 * so a constant signal lands at 31 / 1.8 ≈ 17. Sent when the audio comes without a waveform.
 */
export const FLAT_LEVEL = 17;

/** Pack levels (clamped to 0–31) into the client format: bit k of level i is bit 5·i + k of the stream. */
export function packWaveform(levels: number[]): Buffer {
	const bytes = Buffer.alloc(Math.floor((levels.length * BITS_PER_LEVEL) / 8) + 1);
	levels.forEach((level, i) => {
		const value = Math.max(0, Math.min(MAX_LEVEL, Math.round(level)));
		for (let k = 0; k < BITS_PER_LEVEL; k++) {
			const bit = i * BITS_PER_LEVEL + k;
			if ((value >> k) & 1) bytes[bit >> 3] |= 1 << (bit & 7);
		}
	});
	return bytes;
}

/** A plausible waveform for audio that has none: every level at FLAT_LEVEL, in the standard base64 clients decode. */
export function flatWaveform(): string {
	return packWaveform(new Array<number>(WAVEFORM_LEVELS).fill(FLAT_LEVEL)).toString('base64');
}

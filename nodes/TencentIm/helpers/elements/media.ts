/** Image, file, sound and video elements: files clients download from a URL, with the metadata Tencent requires. */
import { requireText } from '../../../common/validate';
import { byteSize, DOWNLOAD_FROM_URL, md5, positive, requireUrl, seconds } from './shared';
import { forType, type ElementKind } from './types';

const IMAGE_FORMATS = { JPG: 1, GIF: 2, PNG: 3, BMP: 4, Other: 255 };

export const image: ElementKind = {
	value: 'image',
	name: 'Image (URL)',
	fields: [
		{
			displayName: 'Width',
			name: 'width',
			type: 'number',
			default: 0,
			description: 'Image width in pixels',
			displayOptions: forType(['image']),
		},
		{
			displayName: 'Height',
			name: 'height',
			type: 'number',
			default: 0,
			description: 'Image height in pixels',
			displayOptions: forType(['image']),
		},
		{
			displayName: 'Image Format',
			name: 'imageFormat',
			type: 'options',
			options: Object.entries(IMAGE_FORMATS).map(([name, value]) => ({ name, value })),
			default: 255,
			displayOptions: forType(['image']),
		},
	],
	build(e, f) {
		const address = requireUrl(e.url, f('URL'));
		const info = {
			Size: byteSize(e.size, f('Size (Bytes)')),
			Width: positive(e.width, f('Width')),
			Height: positive(e.height, f('Height')),
			URL: address,
		};
		return {
			MsgType: 'TIMImageElem',
			MsgContent: {
				UUID: String(e.uuid || md5(address)),
				ImageFormat: Number(e.imageFormat ?? 255),
				// original, large and thumbnail all point at the given image
				ImageInfoArray: [1, 2, 3].map((Type) => ({ Type, ...info })),
			},
		};
	},
};

export const file: ElementKind = {
	value: 'file',
	name: 'File (URL)',
	fields: [
		{
			displayName: 'File Name',
			name: 'fileName',
			type: 'string',
			default: '',
			displayOptions: forType(['file']),
		},
	],
	build(e, f) {
		const address = requireUrl(e.url, f('URL'));
		return {
			MsgType: 'TIMFileElem',
			MsgContent: {
				Url: address,
				UUID: String(e.uuid || md5(address)),
				FileSize: byteSize(e.size, f('Size (Bytes)')),
				FileName: requireText(e.fileName, f('File Name')),
				Download_Flag: DOWNLOAD_FROM_URL,
			},
		};
	},
};

export const sound: ElementKind = {
	value: 'sound',
	name: 'Sound (URL)',
	fields: [],
	build(e, f) {
		const address = requireUrl(e.url, f('URL'));
		return {
			MsgType: 'TIMSoundElem',
			MsgContent: {
				Url: address,
				UUID: String(e.uuid || md5(address)),
				Size: byteSize(e.size, f('Size (Bytes)')),
				Second: seconds(e.seconds, f('Duration (Seconds)')),
				Download_Flag: DOWNLOAD_FROM_URL,
			},
		};
	},
};

const forVideo = forType(['video']);

export const video: ElementKind = {
	value: 'video',
	name: 'Video (URL)',
	fields: [
		{
			displayName: 'Video Format',
			name: 'videoFormat',
			type: 'string',
			default: 'mp4',
			displayOptions: forVideo,
		},
		{
			displayName: 'Thumbnail URL',
			name: 'thumbUrl',
			type: 'string',
			default: '',
			displayOptions: forVideo,
		},
		{
			displayName: 'Thumbnail Width',
			name: 'thumbWidth',
			type: 'number',
			default: 0,
			displayOptions: forVideo,
		},
		{
			displayName: 'Thumbnail Height',
			name: 'thumbHeight',
			type: 'number',
			default: 0,
			displayOptions: forVideo,
		},
		{
			displayName: 'Thumbnail Size (Bytes)',
			name: 'thumbSize',
			type: 'number',
			default: 0,
			displayOptions: forVideo,
		},
		{
			displayName: 'Thumbnail Format',
			name: 'thumbFormat',
			type: 'string',
			default: 'JPG',
			displayOptions: forVideo,
		},
	],
	build(e, f) {
		const address = requireUrl(e.url, f('URL'));
		const thumb = requireUrl(e.thumbUrl, f('Thumbnail URL'));
		return {
			MsgType: 'TIMVideoFileElem',
			MsgContent: {
				VideoUrl: address,
				VideoUUID: String(e.uuid || md5(address)),
				VideoSize: byteSize(e.size, f('Size (Bytes)')),
				VideoSecond: seconds(e.seconds, f('Duration (Seconds)')),
				VideoFormat: String(e.videoFormat || 'mp4'),
				VideoDownloadFlag: DOWNLOAD_FROM_URL,
				ThumbUrl: thumb,
				ThumbUUID: md5(thumb),
				ThumbSize: byteSize(e.thumbSize, f('Thumbnail Size (Bytes)')),
				ThumbWidth: positive(e.thumbWidth, f('Thumbnail Width')),
				ThumbHeight: positive(e.thumbHeight, f('Thumbnail Height')),
				ThumbFormat: String(e.thumbFormat || 'JPG'),
				ThumbDownloadFlag: DOWNLOAD_FROM_URL,
			},
		};
	},
};

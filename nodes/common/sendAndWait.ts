/**
 * Send and Wait for a Reply, on n8n's own machinery (the one the Slack and Telegram nodes use): the node sends a
 * message with links to signed resume URLs, puts the execution to wait, and its webhook turns the person's click (or
 * the form they send) into the node's output when n8n resumes the execution. Platforms only say how the message and
 * its links are sent.
 */
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	IWebhookDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { WAIT_INDEFINITELY } from 'n8n-workflow';

import { InputError } from './errors';
import { requireNumber, requireText } from './validate';
import { optionalUnixSeconds } from './time';

/** n8n's waiting webhooks: the resume URL answers GET (a link) and POST (the free-text form). */
export const sendAndWaitWebhooks: IWebhookDescription[] = [
	{
		name: 'default',
		httpMethod: 'GET',
		responseMode: 'onReceived',
		responseData: '',
		path: '={{ $nodeId }}',
		restartWebhook: true,
		isFullPath: true,
	},
	{
		name: 'default',
		httpMethod: 'POST',
		responseMode: 'onReceived',
		responseData: '',
		path: '={{ $nodeId }}',
		restartWebhook: true,
		isFullPath: true,
	},
];

/** The fields of Send and Wait after the recipient's: the message, how to answer, how long to wait. */
export const sendAndWaitProperties: INodeProperties[] = [
	{
		displayName: 'Message',
		name: 'message',
		type: 'string',
		required: true,
		default: '',
		typeOptions: { rows: 4 },
		description: 'What to ask; the answer links follow it',
	},
	{
		displayName: 'Response Type',
		name: 'responseType',
		type: 'options',
		options: [
			{ name: 'Approval', value: 'approval', description: 'The person taps Approve (or Decline)' },
			{
				name: 'Free Text',
				value: 'freeText',
				description: 'The person opens a form and writes an answer',
			},
		],
		default: 'approval',
	},
	{
		displayName: 'Type of Approval',
		name: 'approvalType',
		type: 'options',
		options: [
			{ name: 'Approve Only', value: 'single' },
			{ name: 'Approve and Decline', value: 'double' },
		],
		default: 'single',
		displayOptions: { show: { responseType: ['approval'] } },
	},
	{
		displayName: 'Approve Button Label',
		name: 'approveLabel',
		type: 'string',
		default: 'Approve',
		displayOptions: { show: { responseType: ['approval'] } },
	},
	{
		displayName: 'Decline Button Label',
		name: 'disapproveLabel',
		type: 'string',
		default: 'Decline',
		displayOptions: { show: { responseType: ['approval'], approvalType: ['double'] } },
	},
	{
		displayName: 'Options',
		name: 'sendAndWaitOptions',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{
				displayName: 'Form Button Label',
				name: 'formButtonLabel',
				type: 'string',
				default: 'Submit',
				description: 'Free text: the label of the form’s send button',
			},
			{
				displayName: 'Form Title',
				name: 'formTitle',
				type: 'string',
				default: '',
				description: 'Free text: the title of the answer form (the message by default)',
			},
			{
				displayName: 'Limit Wait Time',
				name: 'limitWaitTime',
				type: 'fixedCollection',
				default: {},
				description:
					'Stop waiting after a while: the node then outputs its input items, and later clicks change nothing',
				options: [
					{
						displayName: 'Values',
						name: 'values',
						values: [
							{
								displayName: 'Limit Type',
								name: 'limitType',
								type: 'options',
								options: [
									{ name: 'After Time Interval', value: 'afterTimeInterval' },
									{ name: 'At Specified Time', value: 'atSpecifiedTime' },
								],
								default: 'afterTimeInterval',
							},
							{
								displayName: 'Amount',
								name: 'resumeAmount',
								type: 'number',
								typeOptions: { minValue: 0, numberPrecision: 2 },
								default: 1,
								displayOptions: { show: { limitType: ['afterTimeInterval'] } },
							},
							{
								displayName: 'Unit',
								name: 'resumeUnit',
								type: 'options',
								options: [
									{ name: 'Minutes', value: 'minutes' },
									{ name: 'Hours', value: 'hours' },
									{ name: 'Days', value: 'days' },
								],
								default: 'hours',
								displayOptions: { show: { limitType: ['afterTimeInterval'] } },
							},
							{
								displayName: 'Max Date and Time',
								name: 'maxDateAndTime',
								type: 'dateTime',
								default: '',
								description: 'Continue the execution at this time at the latest',
								displayOptions: { show: { limitType: ['atSpecifiedTime'] } },
							},
						],
					},
				],
			},
			{
				displayName: 'Respond Button Label',
				name: 'respondLabel',
				type: 'string',
				default: 'Respond',
				description: 'Free text: the label of the link that opens the form',
			},
		],
	},
];

/** One answer link of the message. */
export interface AnswerLink {
	label: string;
	url: string;
	/** What the link does, for platforms that colour or order buttons. */
	kind: 'approve' | 'decline' | 'respond';
}

/** What a platform sends: the question and its links. */
export interface SendAndWaitMessage {
	message: string;
	links: AnswerLink[];
}

const UNIT_MS: Record<string, number> = { minutes: 60_000, hours: 3_600_000, days: 86_400_000 };

/** When the execution stops waiting (n8n's "wait indefinitely" unless a limit is set). */
function waitTill(ctx: IExecuteFunctions): Date {
	const options = ctx.getNodeParameter('sendAndWaitOptions', 0, {}) as IDataObject;
	const limit = (options.limitWaitTime as { values?: IDataObject } | undefined)?.values;
	if (!limit) return WAIT_INDEFINITELY;
	if (limit.limitType === 'atSpecifiedTime') {
		const seconds = optionalUnixSeconds(
			limit.maxDateAndTime,
			'Max Date and Time',
			ctx.getTimezone(),
		);
		if (seconds === undefined)
			throw new InputError('Max Date and Time', '"Max Date and Time" is required');
		if (seconds * 1000 <= Date.now())
			throw new InputError('Max Date and Time', '"Max Date and Time" is in the past');
		return new Date(seconds * 1000);
	}
	const amount = requireNumber(limit.resumeAmount, 'Amount', { min: 0 });
	const unit = UNIT_MS[String(limit.resumeUnit ?? 'hours')];
	if (!unit) throw new InputError('Unit', '"Unit" must be minutes, hours or days');
	if (amount <= 0) throw new InputError('Amount', '"Amount" must be more than 0');
	return new Date(Date.now() + amount * unit);
}

/**
 * Read the question and make its signed links. Everything is checked here, before the platform sends anything;
 * `maxLabel` is the platform's longest button label.
 */
export function readSendAndWait(
	ctx: IExecuteFunctions,
	maxLabel = 64,
): SendAndWaitMessage & { waitTill: Date } {
	const message = requireText(ctx.getNodeParameter('message', 0), 'Message');
	const responseType = ctx.getNodeParameter('responseType', 0, 'approval') as string;
	const options = ctx.getNodeParameter('sendAndWaitOptions', 0, {}) as IDataObject;
	const label = (value: unknown, field: string) => {
		const text = requireText(value, field);
		if ([...text].length > maxLabel)
			throw new InputError(field, `"${field}" may be at most ${maxLabel} characters`);
		return text;
	};
	const until = waitTill(ctx);
	// n8n checks the signature of every request to this node's resume URL before the webhook runs
	ctx.setSignatureValidationRequired();
	const links: AnswerLink[] = [];
	if (responseType === 'freeText') {
		const respond = label(options.respondLabel ?? 'Respond', 'Respond Button Label');
		links.push({ label: respond, url: ctx.getSignedResumeUrl(), kind: 'respond' });
	} else {
		const approve = label(
			ctx.getNodeParameter('approveLabel', 0, 'Approve'),
			'Approve Button Label',
		);
		links.push({
			label: approve,
			url: ctx.getSignedResumeUrl({ approved: 'true' }),
			kind: 'approve',
		});
		if (ctx.getNodeParameter('approvalType', 0, 'single') === 'double') {
			const decline = label(
				ctx.getNodeParameter('disapproveLabel', 0, 'Decline'),
				'Decline Button Label',
			);
			links.push({
				label: decline,
				url: ctx.getSignedResumeUrl({ approved: 'false' }),
				kind: 'decline',
			});
		}
	}
	return { message, links, waitTill: until };
}

/** Send the question (the platform's part), then put the execution to wait; the input passes through meanwhile. */
export async function sendAndWait(
	ctx: IExecuteFunctions,
	send: (question: SendAndWaitMessage) => Promise<void>,
	maxLabel?: number,
): Promise<INodeExecutionData[][]> {
	const { waitTill: until, ...question } = readSendAndWait(ctx, maxLabel);
	await send(question);
	await ctx.putExecutionToWait(until);
	return [ctx.getInputData()];
}

/** The question as plain text with its links on their own lines, for platforms without link buttons. */
export function questionAsText(question: SendAndWaitMessage): string {
	return [question.message, '', ...question.links.map((link) => `${link.label}: ${link.url}`)].join(
		'\n',
	);
}

const ESCAPES: Record<string, string> = {
	'&': '&amp;',
	'<': '&lt;',
	'>': '&gt;',
	'"': '&quot;',
	"'": '&#39;',
};

function escapeHtml(text: string): string {
	return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

function page(title: string, body: string): string {
	return [
		'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
		'<meta name="viewport" content="width=device-width, initial-scale=1">',
		`<title>${escapeHtml(title)}</title>`,
		'<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#222}',
		'textarea{width:100%;min-height:8rem;font:inherit;padding:.5rem;box-sizing:border-box}',
		'button{margin-top:1rem;padding:.6rem 1.4rem;font:inherit;border:0;border-radius:4px;background:#ff6d5a;color:#fff}</style>',
		`</head><body>${body}</body></html>`,
	].join('');
}

/** The page a person sees once their answer is recorded. */
export const ANSWER_RECORDED_PAGE = page(
	'Answer recorded',
	'<h1>Got it, thanks</h1><p>You can close this page.</p>',
);

function answerForm(ctx: IWebhookFunctions, error?: string): string {
	const options = ctx.getNodeParameter('sendAndWaitOptions', {}) as IDataObject;
	const message = String(ctx.getNodeParameter('message', '') ?? '');
	const title = String(options.formTitle ?? '') || message;
	const button = String(options.formButtonLabel ?? '') || 'Submit';
	return page(
		title,
		[
			`<h1>${escapeHtml(title)}</h1>`,
			title !== message ? `<p>${escapeHtml(message)}</p>` : '',
			error ? `<p role="alert">${escapeHtml(error)}</p>` : '',
			// no action: the form posts back to the signed URL it was opened at
			'<form method="post"><label for="text">Your answer</label>',
			'<textarea id="text" name="text" required></textarea>',
			`<button type="submit">${escapeHtml(button)}</button></form>`,
		].join(''),
	);
}

/**
 * The node's webhook for its resume URL (n8n has already checked the URL's signature): a click on an approval link
 * resumes the execution with `{data: {approved}}`; the free-text link shows a form whose answer resumes it with
 * `{data: {text}}`.
 */
export async function sendAndWaitWebhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const respondedAt = new Date().toISOString();
	if (this.getNodeParameter('responseType', 'approval') === 'freeText') {
		if (this.getRequestObject().method !== 'POST') return { webhookResponse: answerForm(this) };
		const body = (this.getBodyData() ?? {}) as IDataObject;
		const text = typeof body.text === 'string' ? body.text.trim() : '';
		if (!text) return { webhookResponse: answerForm(this, 'Please write an answer.') };
		return {
			webhookResponse: ANSWER_RECORDED_PAGE,
			workflowData: [[{ json: { data: { text, respondedAt } } }]],
		};
	}
	const approved = (this.getQueryData() as IDataObject).approved === 'true';
	return {
		webhookResponse: ANSWER_RECORDED_PAGE,
		workflowData: [[{ json: { data: { approved, respondedAt } } }]],
	};
}

/**
 * `npm run bench`: every figure of the issue measured in one run against the local emulators, each request delayed
 * by 20 ms, with its target, and printed as one table per platform: signing; Tencent IM through n8n's engine (one
 * and two executions) against a raw axios loop and n8n's HTTP Request node; Mixin's single Sends (sequential
 * against concurrent, order per conversation), Send Many and a 100 MB upload; Yunhu and Yunzhenji; and faults at
 * full size (1,000 sends per node, 5 % faults). Exits with 1 when a target is missed.
 */
import './env';

import { benchFaults, yunhuBotFaults } from './faults';
import { benchHttpRequestNode } from './http-request-node';
import { benchMixinSendMany, benchMixinSends, benchMixinUpload } from './mixin';
import { benchSigning, benchStandaloneTransport } from './signing';
import { LATENCY_MS, machineText, printTables } from './support';
import { benchTencent, benchTencentSendToMany } from './tencent';
import { benchYunhu, benchYunzhenji } from './yunhu-yunzhenji';

async function main(): Promise<void> {
	const started = performance.now();
	console.log(
		`npm run bench: ${LATENCY_MS} ms injected latency on every emulator request; ${machineText()}`,
	);
	await benchSigning();
	await benchStandaloneTransport();
	const { nodeRate } = await benchTencent();
	await benchTencentSendToMany();
	await benchMixinSends();
	await benchMixinSendMany();
	await benchYunhu();
	await benchYunzhenji();
	// the binary data service it switches on stays on for the process: last of the throughput parts
	await benchMixinUpload();
	// the bot API's 10 requests a second make its 1,000 sends the longest part; it runs while the others do
	const botFaults = yunhuBotFaults();
	await benchFaults();
	await benchHttpRequestNode(nodeRate);
	await botFaults;
	const missed = printTables();
	console.log(`\n${machineText()}; ${((performance.now() - started) / 1000).toFixed(0)} s in all`);
	console.log(missed ? `${missed} target(s) missed` : 'All targets met.');
	process.exit(missed ? 1 : 0);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});

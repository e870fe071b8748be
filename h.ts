import { withRunServer } from './test/integration/helpers/server.ts';
import { fetchChain } from './test/integration/helpers/histories.ts';
await withRunServer('/tmp/t2/runs/eight', async (client) => {
  const chain = await fetchChain(client, 'sweep-eight-cb8a2e2a');
  for (const run of chain) for (const e of run.history.events ?? []) {
    const t = new Date(Number(e.eventTime?.seconds) * 1000 + (e.eventTime?.nanos ?? 0) / 1e6).toISOString().slice(14, 23);
    const a: any = e.activityTaskScheduledEventAttributes ?? e.activityTaskStartedEventAttributes ?? e.activityTaskCompletedEventAttributes ?? e.activityTaskFailedEventAttributes ?? e.activityTaskTimedOutEventAttributes ?? {};
    console.log(t, e.eventId?.toString(), e.eventType, a.activityId ?? '', a.scheduledEventId?.toString() ?? '', a.attempt ?? '', a.identity ?? '', a.failure?.message ?? '', a.retryState ?? '');
  }
});

// undici's request in a module of its own: client.ts imports it at the first request, so a run that sends
// nothing (no notifier, no cloud target, no Prometheus) never loads undici (~50 ms of start-up).
export { request } from 'undici';

// onnxruntime (1.2x+ on Linux) starts Microsoft's telemetry when it creates its environment:
// it keeps a device id and an event store under ~/.cache/Microsoft/DeveloperTools, writes a
// debug log to /tmp, and would upload to events.data.microsoft.com. A kiosk sends nothing to
// anyone but its registry and writes no file it does not need, so it is turned off before
// onnxruntime is loaded: this module is imported ahead of it, and by the face service before
// it starts its worker (in a worker thread, process.env is a copy: setting it there does not
// reach onnxruntime's getenv). The face privacy test watches with strace that a check-in
// writes no such file.
process.env['ORT_DISABLE_TELEMETRY'] = '1';

export {};

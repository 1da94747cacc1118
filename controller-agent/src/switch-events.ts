// Turns the datapath's switch events into log lines.
//
// Every port up, port down and refused memif client, every link change of
// a Linux port and every port removed because its interface went away is
// logged with its reason, as structured fields (event, switch, port,
// portName, memifId, client, ifname, reason) and a sentence.  Events arrive on the JS thread (the
// addon queues them from its memif control thread), so logging here never
// touches the packet path.
import type { SwitchEvent } from './datapath';
import type { Logger } from './log';

export function logSwitchEvent(log: Logger, ev: SwitchEvent): void {
  switch (ev.type) {
    case 'port-up':
      log.info(
        { event: ev.type, switch: ev.switch, port: ev.port, portName: ev.name, memifId: ev.memifId, client: ev.clientName },
        `${ev.switch}: port ${ev.port} (${ev.name}) up: memif id ${ev.memifId}, client "${ev.clientName}"`);
      return;
    case 'port-down':
      log.info(
        { event: ev.type, switch: ev.switch, port: ev.port, portName: ev.name, memifId: ev.memifId, reason: ev.reason },
        `${ev.switch}: port ${ev.port} (${ev.name}) down: ${ev.reason}`);
      return;
    case 'memif-refused':
      log.warn(
        { event: ev.type, switch: ev.switch, memifId: ev.memifId, reason: ev.reason },
        `${ev.switch}: memif client with id ${ev.memifId} refused: ${ev.reason}`);
      return;
    case 'link-up':
    case 'link-down':
      log.info(
        { event: ev.type, switch: ev.switch, port: ev.port, portName: ev.name, ifname: ev.ifname, mtu: ev.mtu, reason: ev.reason },
        `${ev.switch}: port ${ev.port} (${ev.name}) link ${ev.type === 'link-up' ? 'up' : `down: ${ev.reason ?? 'no carrier'}`}`);
      return;
    case 'port-removed':
      log.warn(
        { event: ev.type, switch: ev.switch, port: ev.port, portName: ev.name, ifname: ev.ifname, reason: ev.reason },
        `${ev.switch}: port ${ev.port} (${ev.name}) removed: ${ev.reason}`);
      return;
    default: {
      // A newer addon may report kinds this agent does not know yet.
      const unknown: { type?: unknown } = ev;
      log.warn({ event: String(unknown.type), raw: ev }, 'unknown switch event');
    }
  }
}

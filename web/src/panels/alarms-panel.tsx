import { queryString } from '../api/http.js';
import type { Alarm } from '../api/types.js';
import { useResource } from '../api/use-resource.js';
import { AlarmTable, sortAlarms } from '../components/alarm-table.js';
import { isUnder } from '../components/asset-path.js';
import { hasData, ResourceState } from '../components/not-enabled.js';
import { useEventRefresh } from '../live/use-events.js';
import type { PanelDef } from './panel-def.js';

/** Open (active or unacknowledged) alarms, most urgent first; on a machine page only that machine's. */
function AlarmsPanel({ assetPath }: { assetPath?: string }) {
  const alarms = useResource<{ alarms: Alarm[] }>(`/api/v1/alarms${queryString({ state: 'all' })}`, { refreshMs: 10_000 });
  useEventRefresh((e) => e.kind.startsWith('alarm.'), alarms.reload);
  const open = hasData(alarms) ? sortAlarms(alarms.data.alarms.filter((a) => (a.active || !a.acknowledged) && (!assetPath || isUnder(a.assetPath, assetPath)))) : [];
  return (
    <section class="panel" aria-labelledby="alarms-title">
      <header class="panel-head">
        <h2 id="alarms-title">Open alarms</h2>
        {hasData(alarms) && <span class="count" data-count={open.length}>{open.length}</span>}
        <a class="more" href="#/events?tab=alarms">
          All alarms
        </a>
      </header>
      <ResourceState resource={alarms} capability="Alarming" />
      {hasData(alarms) && <AlarmTable alarms={open.slice(0, 12)} onChanged={alarms.reload} compact />}
    </section>
  );
}

export const alarmsPanel: PanelDef = { id: 'alarms', slot: 'overview', title: 'Open alarms', order: 20, component: AlarmsPanel };
export const machineAlarmsPanel: PanelDef = { id: 'machine-alarms', slot: 'machine', title: 'Alarms', order: 20, component: AlarmsPanel };

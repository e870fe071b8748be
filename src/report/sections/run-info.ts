/** The run: backends and devices, the manifest, the config as launched. */
import { code, para, value, type Block, type Section } from '../content.js';
import { manifestEntries } from '../manifest.js';
import type { ReportData } from '../report-data.js';

export function runInfo(d: ReportData): Section {
  const blocks: Block[] = [];
  if (d.backends.length) {
    blocks.push({
      kind: 'table',
      id: 'backends',
      columns: ['backend', 'device', 'trials'],
      rows: d.backends.map((b) => {
        const k = { backend: b.key.backend, device: b.key.device };
        return [
          value(b.key.backend, 'trials', k, 'any_value(backend)'),
          value(b.key.device, 'trials', k, 'any_value(device)'),
          value(b.n, 'trials', k, 'count(*)', 'int'),
        ];
      }),
    });
  }
  const entries = d.manifestText === null ? [] : manifestEntries(d.manifestText);
  if (entries.length) {
    blocks.push({
      kind: 'table',
      id: 'manifest',
      columns: ['manifest', 'value'],
      rows: entries.map((e) => [code(e.label), value(e.value, 'manifest.json', {}, e.path)]),
    });
  } else {
    blocks.push(para(['No ', code('manifest.json'), ' in the run folder.'], 'note'));
  }
  if (d.configText !== null) {
    blocks.push(para(['The config as launched (', code('config.yaml'), '):']), {
      kind: 'pre',
      value: value(d.configText, 'config.yaml', {}, 'content'),
    });
  }
  return { id: 'run', title: 'Config, versions, backends and devices', blocks };
}

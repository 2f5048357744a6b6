import { Type } from '@sinclair/typebox';
import { configHelp, isHelpRequest } from './config-help.js';
import { wrap } from './help-layout.js';
import type { LoadConfigSpec } from './types.js';

const schema = Type.Object({
  listen: Type.String({ description: 'HOST:PORT to serve on.' }),
  workers: Type.Integer({ minimum: 1 }),
  verbose: Type.Boolean({ description: 'Say more.' }),
  events: Type.Boolean(),
  role: Type.Union([Type.Literal('controller'), Type.Literal('node')]),
  policies: Type.Array(Type.String(), { description: 'Policy files.' }),
  tls: Type.Object({ certFile: Type.Optional(Type.String()) }),
  drainDelayMs: Type.Integer({ minimum: 0, description: 'Wait this long before closing.' }),
});

const spec: LoadConfigSpec<typeof schema> = {
  schema,
  defaults: {
    listen: '0.0.0.0:8443',
    workers: 2,
    verbose: false,
    events: true,
    policies: [],
    tls: {},
    drainDelayMs: 500,
  },
  flags: {
    listen: 'listen',
    workers: { option: 'workers', short: 'w' },
    verbose: 'verbose',
    events: 'events',
    role: 'role',
    policies: 'policies',
    'tls-cert': 'tls.certFile',
  },
  envPrefix: 'CORRAL_TEST_',
};

const help = configHelp(spec, { usage: 'corral test [flags]', summary: 'Serves the test service.' });
const lines = help.split('\n');
/** The lines of one row: its head and the indented lines under it. */
function row(head: string): string {
  const start = lines.findIndex((line) => line.startsWith(`  ${head}`));
  const end = lines.findIndex((line, i) => i > start && !line.startsWith('      '));
  return lines.slice(start, end).join('\n');
}

describe('configHelp', () => {
  it('given a usage and a summary, starts with them', () => {
    expect(lines[0]).toBe('Usage: corral test [flags]');
    expect(help).toContain('Serves the test service.');
    expect(help).toContain('highest first: its flag, its environment variable, the --config file');
  });

  it('given flags, shows each with its value, description, default, env name and file key', () => {
    expect(row('--listen VALUE')).toMatch(/env CORRAL_TEST_LISTEN\n +HOST:PORT to serve on\.\n/);
    expect(row('--listen VALUE')).toContain('default: 0.0.0.0:8443; file key: listen');
    expect(row('-w, --workers N')).toContain('env CORRAL_TEST_WORKERS');
    expect(row('-w, --workers N')).toContain('default: 2');
    expect(row('--policies VALUE,...')).toContain('default: (none)');
  });

  it('given a nested option, names its env variable from the path, not from the flag', () => {
    expect(row('--tls-cert VALUE')).toContain('env CORRAL_TEST_TLS_CERT_FILE');
    expect(row('--tls-cert VALUE')).toContain('file key: tls.certFile');
  });

  it('given booleans, shows no value, and how to turn off one that defaults to true', () => {
    expect(row('--verbose')).toMatch(/--verbose +env CORRAL_TEST_VERBOSE\n +Say more\.\n +default: false;/);
    expect(row('--events')).toContain('default: true (--no-events turns it off)');
  });

  it('given a required option without default, says so; an enum shows its values', () => {
    expect(row('--role controller|node')).toContain('required; file key: role');
    expect(row('--tls-cert VALUE')).not.toContain('required');
  });

  it('given a setting without a flag, lists it by its env name', () => {
    expect(help).toMatch(
      /Settings without a flag \(environment or the config file\):\n {2}CORRAL_TEST_DRAIN_DELAY_MS=N\n/,
    );
    expect(row('CORRAL_TEST_DRAIN_DELAY_MS=N')).toContain('Wait this long before closing.');
    expect(row('CORRAL_TEST_DRAIN_DELAY_MS=N')).toContain('default: 500; file key: drainDelayMs');
  });

  it('given the config file flag and -h, lists both', () => {
    expect(row('--config FILE')).toContain('env CORRAL_TEST_CONFIG');
    expect(help).toContain('  -h, --help');
  });

  it('given config files disabled, mentions neither --config nor file keys', () => {
    const text = configHelp({ ...spec, configFileFlag: false }, { usage: 'corral test' });
    expect(text).not.toMatch(/--config|file key/);
    expect(text).toContain('Settings without a flag (environment):');
  });

  it('given a long description, keeps every line within 100 columns', () => {
    const long = Type.Object({ name: Type.String({ description: 'word '.repeat(60) }) });
    const text = configHelp(
      { schema: long, defaults: {}, flags: { name: 'name' }, envPrefix: 'X_' },
      { usage: 'x' },
    );
    expect(Math.max(...text.split('\n').map((line) => line.length))).toBeLessThanOrEqual(100);
    expect(text.match(/word/g)).toHaveLength(60);
  });
});

describe('wrap', () => {
  it('given a text wider than the width, breaks it at spaces; a longer word keeps its own line', () => {
    expect(wrap('aa bb cc', 5)).toEqual(['aa bb', 'cc']);
    expect(wrap('a verylongword b', 4)).toEqual(['a', 'verylongword', 'b']);
  });
});

describe('isHelpRequest', () => {
  it.each([[['--help']], [['-h']], [['--listen', 'x', '-h']]])('given %j, is true', (argv) => {
    expect(isHelpRequest(argv)).toBe(true);
  });

  it.each([[[]], [['--listen', 'x']], [['--helpful']]])('given %j, is false', (argv) => {
    expect(isHelpRequest(argv)).toBe(false);
  });
});

// Electron entry. Boot, as a list: start (or attach to) the appliance and its API, then open the window on the
// console. The window's renderer gets only the API address and token, through the preload.
import { app, BrowserWindow, shell } from 'electron';
import { join } from 'node:path';
import { startConsole, type RunningConsole } from '../appliance/api/start-console';
import { Supervisor } from '../appliance/supervisor/supervisor';
import { EnvReader } from '../lib/config';

let appliance: { console: RunningConsole; supervisor: Supervisor } | null = null;

async function startAppliance(): Promise<{ apiUrl: string; token: string }> {
  // A malformed variable stops the start with its name and what is wrong (ConfigError), before anything runs.
  const env = new EnvReader(process.env);
  // Attach to an appliance started elsewhere (`gochat up`) when its console address and token are given.
  const consoleUrl = env.optionalString('GOCHAT_CONSOLE_URL');
  const consoleToken = env.optionalString('GOCHAT_CONSOLE_TOKEN');
  if (consoleUrl && consoleToken) return { apiUrl: consoleUrl, token: consoleToken };
  const gateways = env.int('GOCHAT_GATEWAYS', { default: 2, min: 1 });
  const port = env.int('GOCHAT_CONSOLE_PORT', { default: 0, min: 0, max: 65535 });
  const supervisor = new Supervisor({
    dataDir: env.optionalString('GOCHAT_DATA_DIR') ?? join(app.getPath('userData'), 'appliance'),
    infra: 'auto',
    gateways,
    progress: (line) => console.log(line),
  });
  await supervisor.startAll();
  const consoleApi = await startConsole(supervisor, { port });
  supervisor.setAdminEndpoint({ url: consoleApi.url, port: consoleApi.port }, consoleApi.consoleUrl);
  appliance = { console: consoleApi, supervisor };
  return { apiUrl: consoleApi.url, token: consoleApi.token };
}

function createWindow(apiUrl: string, token: string): void {
  const window = new BrowserWindow({
    width: 1280,
    height: 800,
    title: 'GoChat console',
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      nodeIntegration: false,
      sandbox: true,
      additionalArguments: [`--gochat-api=${apiUrl}`, `--gochat-token=${token}`],
    },
  });
  // Links to anything but the console open in the user's browser, not in the app's window.
  window.webContents.setWindowOpenHandler(({ url }) => (void shell.openExternal(url), { action: 'deny' }));
  void window.loadURL(`${apiUrl}/`);
}

app.on('before-quit', (event) => {
  if (!appliance) return;
  event.preventDefault();
  const running = appliance;
  appliance = null;
  void running.console
    .close()
    .then(() => running.supervisor.shutdown())
    .finally(() => app.quit());
});
app.on('window-all-closed', () => app.quit());

void app
  .whenReady()
  .then(startAppliance)
  .then(({ apiUrl, token }) => createWindow(apiUrl, token))
  .catch((error: unknown) => {
    console.error(`GoChat could not start: ${error instanceof Error ? error.message : String(error)}`);
    app.exit(1);
  });

// /api/recording: Record and Stop for a session of hand-driven simulated clients, and the scenario file the last
// Stop made (docs/scenarios.md, "Recording").
import { NotFoundError } from '../http/errors';
import type { Router } from '../http/router';
import type { SessionRecorder } from './session-recorder';

export function registerRecordingRoutes(router: Router, recorder: SessionRecorder): void {
  router
    .add('GET', '/api/recording', () => recorder.status())
    .add('POST', '/api/recording/start', () => recorder.start())
    .add('POST', '/api/recording/stop', () => recorder.stop())
    .add('GET', '/api/recording/last', () => {
      const last = recorder.last();
      if (!last) throw new NotFoundError('nothing recorded yet: press Record, drive the clients, then Stop');
      return last;
    });
}

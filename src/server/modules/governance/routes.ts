import { EmptyBody } from '../../../contracts/account.js';
import { AskResult, CheckDetail, CheckKeyParam, Dashboard } from '../../../contracts/governance.js';
import { actorOf } from '../../core/auth/actor.js';
import { type App, sessionOf } from '../../core/http.js';
import { type GovernanceDeps, askOwner, readCheck, readDashboard } from './service.js';

export function governanceRoutes(app: App, d: GovernanceDeps): void {
  app.get(
    '/api/dashboard',
    { config: { permission: 'governance.dashboard.read' }, schema: { response: { 200: Dashboard } } },
    async (req) => readDashboard(d, sessionOf(req)),
  );

  app.get(
    '/api/dashboard/checks/:key',
    { config: { permission: 'governance.dashboard.read' }, schema: { params: CheckKeyParam, response: { 200: CheckDetail } } },
    async (req) => readCheck(d, sessionOf(req), req.params.key),
  );

  app.post(
    '/api/dashboard/checks/:key/ask',
    {
      config: { permission: 'governance.dashboard.read' },
      schema: { params: CheckKeyParam, body: EmptyBody, response: { 200: AskResult } },
    },
    async (req) => askOwner(d, actorOf(req), req.params.key),
  );
}

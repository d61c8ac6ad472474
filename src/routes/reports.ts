import { getReport, getSyndication, listReports, listSyndications } from '../domain/reports/reads';
import { loadReport, loadSyndication } from '../domain/reports/store';
import { programObject, programObjectOfUser } from '../durable/beacon-program';
import { unwrap } from '../errors';
import { register, type App } from '../http/endpoint';
import {
  BeaconReportCreateRequest,
  BeaconReportGetRequest,
  BeaconReportListRequest,
  BeaconReportSyndicationGetRequest,
  BeaconReportSyndicationListRequest,
  DashboardReportDeleteRequest,
  DashboardReportSyndicationConfirmRequest,
  DashboardReportUpdateRequest,
} from '../schemas/report';

/** Fraud reports and the syndications of reports to matching users (PRODUCT.md §5.4).
 * Writes go through the program of the user concerned. */
export function registerReportRoutes(app: App): void {
  register(app, {
    path: '/beacon/report/create',
    plane: 'api',
    request: BeaconReportCreateRequest,
    async handle({ env, db, client, actor, input }) {
      const program = await programObjectOfUser(env, db, client.id, input.beacon_user_id);
      return unwrap(
        await program.createReport({
          clientId: client.id,
          beaconUserId: input.beacon_user_id,
          type: input.type,
          fraudDate: input.fraud_date,
          fraudAmount: input.fraud_amount ?? null,
          actor,
        }),
      );
    },
  });

  register(app, {
    path: '/beacon/report/get',
    plane: 'api',
    request: BeaconReportGetRequest,
    handle: ({ db, client, input }) => getReport(db, client.id, input.beacon_report_id),
  });

  register(app, {
    path: '/beacon/report/list',
    plane: 'api',
    request: BeaconReportListRequest,
    handle: ({ db, secrets, client, input }) => listReports(db, secrets, client.id, input.beacon_user_id, input.cursor),
  });

  register(app, {
    path: '/beacon/report_syndication/get',
    plane: 'api',
    request: BeaconReportSyndicationGetRequest,
    handle: ({ db, client, input }) => getSyndication(db, client.id, input.beacon_report_syndication_id),
  });

  register(app, {
    path: '/beacon/report_syndication/list',
    plane: 'api',
    request: BeaconReportSyndicationListRequest,
    handle: ({ db, secrets, client, input }) => listSyndications(db, secrets, client.id, input.beacon_user_id, input.cursor),
  });

  register(app, {
    path: '/dashboard/report/update',
    plane: 'dashboard',
    request: DashboardReportUpdateRequest,
    async handle({ env, db, client, actor, input }) {
      const { programId } = await loadReport(db, client.id, input.beacon_report_id);
      return unwrap(
        await programObject(env, programId).updateReport({
          clientId: client.id,
          reportId: input.beacon_report_id,
          type: input.type,
          fraudDate: input.fraud_date,
          fraudAmount: input.fraud_amount,
          actor,
        }),
      );
    },
  });

  register(app, {
    path: '/dashboard/report/delete',
    plane: 'dashboard',
    request: DashboardReportDeleteRequest,
    async handle({ env, db, client, actor, input }) {
      const { programId } = await loadReport(db, client.id, input.beacon_report_id);
      return unwrap(await programObject(env, programId).deleteReport({ clientId: client.id, reportId: input.beacon_report_id, actor }));
    },
  });

  register(app, {
    path: '/dashboard/report_syndication/confirm',
    plane: 'dashboard',
    request: DashboardReportSyndicationConfirmRequest,
    async handle({ env, db, client, actor, input }) {
      const { syndication } = await loadSyndication(db, client.id, input.beacon_report_syndication_id);
      return unwrap(
        await programObject(env, syndication.programId).confirmSyndication({
          clientId: client.id,
          syndicationId: input.beacon_report_syndication_id,
          actor,
        }),
      );
    },
  });
}

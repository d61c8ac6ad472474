import { getReport, getSyndication, listReports, listSyndications } from '../domain/reports/reads';
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
    handle: ({ programs, client, actor, input }) =>
      programs.createReport(client.id, {
        beaconUserId: input.beacon_user_id,
        type: input.type,
        fraudDate: input.fraud_date,
        fraudAmount: input.fraud_amount ?? null,
        actor,
      }),
  });

  register(app, {
    path: '/beacon/report/get',
    plane: 'api',
    request: BeaconReportGetRequest,
    handle: ({ storage, client, input }) => getReport(storage, client.id, input.beacon_report_id),
  });

  register(app, {
    path: '/beacon/report/list',
    plane: 'api',
    request: BeaconReportListRequest,
    handle: ({ storage, secrets, client, input }) => listReports(storage, secrets, client.id, input.beacon_user_id, input.cursor),
  });

  register(app, {
    path: '/beacon/report_syndication/get',
    plane: 'api',
    request: BeaconReportSyndicationGetRequest,
    handle: ({ storage, client, input }) => getSyndication(storage, client.id, input.beacon_report_syndication_id),
  });

  register(app, {
    path: '/beacon/report_syndication/list',
    plane: 'api',
    request: BeaconReportSyndicationListRequest,
    handle: ({ storage, secrets, client, input }) => listSyndications(storage, secrets, client.id, input.beacon_user_id, input.cursor),
  });

  register(app, {
    path: '/dashboard/report/update',
    plane: 'dashboard',
    request: DashboardReportUpdateRequest,
    handle: ({ programs, client, actor, input }) =>
      programs.updateReport(client.id, {
        reportId: input.beacon_report_id,
        type: input.type,
        fraudDate: input.fraud_date,
        fraudAmount: input.fraud_amount,
        actor,
      }),
  });

  register(app, {
    path: '/dashboard/report/delete',
    plane: 'dashboard',
    request: DashboardReportDeleteRequest,
    handle: ({ programs, client, actor, input }) => programs.deleteReport(client.id, { reportId: input.beacon_report_id, actor }),
  });

  register(app, {
    path: '/dashboard/report_syndication/confirm',
    plane: 'dashboard',
    request: DashboardReportSyndicationConfirmRequest,
    handle: ({ programs, client, actor, input }) => programs.confirmSyndication(client.id, { syndicationId: input.beacon_report_syndication_id, actor }),
  });
}

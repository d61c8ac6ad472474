import { getReport, getSyndication, listReports, listSyndications } from '../domain/reports/reads';
import { register, type App } from '../http/endpoint';
import { plaidResponse } from '../schemas/plaid';
import {
  BeaconReportCreateRequest,
  BeaconReportGetRequest,
  BeaconReportListRequest,
  BeaconReportSyndicationGetRequest,
  BeaconReportSyndicationListRequest,
  DashboardReportDeleteRequest,
  DashboardReportDeleteResponse,
  DashboardReportSyndicationConfirmRequest,
  DashboardReportUpdateRequest,
  SyndicationConfirmation,
} from '../schemas/report';

/** Fraud reports and the syndications of reports to matching users (docs/product.md §5.4).
 * Writes go through the program of the user concerned. */
export function registerReportRoutes(app: App): void {
  register(app, {
    path: '/beacon/report/create',
    summary: 'Report fraud on a Beacon User: rejects it and shares the report with the network',
    plane: 'api',
    request: BeaconReportCreateRequest,
    response: plaidResponse('BeaconReportCreateResponse'),
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
    summary: 'Get a Beacon Report',
    plane: 'api',
    request: BeaconReportGetRequest,
    response: plaidResponse('BeaconReportGetResponse'),
    handle: ({ storage, client, input }) => getReport(storage, client.id, input.beacon_report_id),
  });

  register(app, {
    path: '/beacon/report/list',
    summary: 'List the Beacon Reports on a Beacon User, newest first',
    plane: 'api',
    request: BeaconReportListRequest,
    response: plaidResponse('BeaconReportListResponse'),
    handle: ({ storage, secrets, client, input }) => listReports(storage, secrets, client.id, input.beacon_user_id, input.cursor),
  });

  register(app, {
    path: '/beacon/report_syndication/get',
    summary: 'Get a Report Syndication: a network report that matched a Beacon User',
    plane: 'api',
    request: BeaconReportSyndicationGetRequest,
    response: plaidResponse('BeaconReportSyndicationGetResponse'),
    handle: ({ storage, client, input }) => getSyndication(storage, client.id, input.beacon_report_syndication_id),
  });

  register(app, {
    path: '/beacon/report_syndication/list',
    summary: 'List the Report Syndications of a Beacon User, newest first',
    plane: 'api',
    request: BeaconReportSyndicationListRequest,
    response: plaidResponse('BeaconReportSyndicationListResponse'),
    handle: ({ storage, secrets, client, input }) => listSyndications(storage, secrets, client.id, input.beacon_user_id, input.cursor),
  });

  register(app, {
    path: '/dashboard/report/update',
    summary: "Change a report's type, fraud date or amount (fires REPORT_UPDATED)",
    plane: 'dashboard',
    request: DashboardReportUpdateRequest,
    response: plaidResponse('BeaconReportGetResponse'),
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
    summary: 'Delete a report: it stops matching at once (fires REPORT_UPDATED)',
    plane: 'dashboard',
    request: DashboardReportDeleteRequest,
    response: DashboardReportDeleteResponse,
    handle: ({ programs, client, actor, input }) => programs.deleteReport(client.id, { reportId: input.beacon_report_id, actor }),
  });

  register(app, {
    path: '/dashboard/report_syndication/confirm',
    summary: 'Confirm that a network report applies to this user',
    plane: 'dashboard',
    request: DashboardReportSyndicationConfirmRequest,
    response: plaidResponse('BeaconReportSyndicationGetResponse', SyndicationConfirmation),
    handle: ({ programs, client, actor, input }) => programs.confirmSyndication(client.id, { syndicationId: input.beacon_report_syndication_id, actor }),
  });
}

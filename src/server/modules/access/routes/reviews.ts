import { z } from 'zod';
import { EmptyBody, IdParam } from '../../../../contracts/account.js';
import {
  ReviewBatchParams,
  ReviewBulkBody,
  ReviewBulkResult,
  ReviewDecisionBody,
  ReviewDetail,
  ReviewItemParams,
  ReviewList,
  ReviewPreview,
  ReviewPreviewQuery,
  ReviewStartBody,
} from '../../../../contracts/admin.js';
import { actorOf } from '../../../core/auth/actor.js';
import type { AuthDeps } from '../../../core/auth/service.js';
import { type App, sessionOf } from '../../../core/http.js';
import * as access from '../service.js';
import { NoContent } from './common.js';

/** Access-review campaigns (memo U1). */
export function reviewRoutes(app: App, d: AuthDeps): void {
  app.get(
    '/api/access-reviews',
    { config: { permission: 'access_reviews.review' }, schema: { response: { 200: ReviewList } } },
    async (req) => ({
      reviews: await access.listReviews(d, sessionOf(req).schoolId),
    }),
  );
  app.get(
    '/api/access-reviews/preview',
    {
      config: { permission: 'access_reviews.manage' },
      schema: { querystring: ReviewPreviewQuery, response: { 200: ReviewPreview } },
    },
    async (req) => access.previewReview(d, actorOf(req), req.query),
  );
  app.get(
    '/api/access-reviews/:id',
    { config: { permission: 'access_reviews.review' }, schema: { params: IdParam, response: { 200: ReviewDetail } } },
    async (req) => access.getReview(d, sessionOf(req).schoolId, req.params.id),
  );
  app.post(
    '/api/access-reviews',
    {
      config: { permission: 'access_reviews.manage' },
      schema: { body: ReviewStartBody, response: { 201: z.strictObject({ id: z.uuid() }) } },
    },
    async (req, reply) => reply.code(201).send({ id: await access.startReview(d, actorOf(req), req.body) }),
  );
  app.put(
    '/api/access-reviews/:id/items/:itemId',
    {
      config: { permission: 'access_reviews.review' },
      schema: { params: ReviewItemParams, body: ReviewDecisionBody, response: NoContent },
    },
    async (req, reply) => {
      await access.decide(d, actorOf(req), req.params.id, req.params.itemId, req.body);
      return reply.code(204).send(null);
    },
  );
  app.post(
    '/api/access-reviews/:id/decisions',
    {
      config: { permission: 'access_reviews.review' },
      schema: { params: IdParam, body: ReviewBulkBody, response: { 200: ReviewBulkResult } },
    },
    async (req) => access.decideBulk(d, actorOf(req), req.params.id, req.body),
  );
  app.post(
    '/api/access-reviews/:id/batches/:batchId/undo',
    {
      config: { permission: 'access_reviews.review' },
      schema: { params: ReviewBatchParams, body: EmptyBody, response: { 200: z.strictObject({ undone: z.number().int() }) } },
    },
    async (req) => access.undoBatch(d, actorOf(req), req.params.id, req.params.batchId),
  );
  app.post(
    '/api/access-reviews/:id/complete',
    { config: { permission: 'access_reviews.manage' }, schema: { params: IdParam, body: EmptyBody, response: NoContent } },
    async (req, reply) => {
      await access.completeReview(d, actorOf(req), req.params.id);
      return reply.code(204).send(null);
    },
  );
  app.get(
    '/api/access-reviews/:id/report',
    {
      config: { permission: 'access_reviews.review' },
      schema: { params: IdParam, querystring: z.strictObject({ format: z.enum(['csv', 'pdf']).default('csv') }) },
    },
    async (req, reply) => {
      const schoolId = sessionOf(req).schoolId;
      if (req.query.format === 'pdf') {
        return reply
          .type('application/pdf')
          .header('content-disposition', 'attachment; filename="access-review.pdf"')
          .send(await access.reviewReportPdf(d, schoolId, req.params.id));
      }
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="access-review.csv"')
        .send(await access.reviewReport(d, schoolId, req.params.id));
    },
  );
}

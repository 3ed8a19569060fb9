import { actorOf } from '../../core/auth/actor.js';
import { z } from 'zod';
import { EmptyBody, IdParam } from '../../../contracts/account.js';
import {
  ClassCreateBody,
  ClassList,
  ImportBody,
  ImportReport,
  ClassQuery,
  ClassSubjectCreateBody,
  ClassSubjectList,
  PlacementBody,
  RevealBody,
  RevealResult,
  StaffCreateBody,
  StaffList,
  StaffQuery,
  StaffUpdateBody,
  StudentCreateBody,
  StudentDetail,
  StudentList,
  StudentQuery,
  StudentUpdateBody,
  SubjectCreateBody,
  SubjectList,
  YearCreateBody,
  YearList,
} from '../../../contracts/school.js';
import { ContactsBody, ContactsView } from '../../../contracts/particulars.js';
import { type App, sessionOf } from '../../core/http.js';
import * as school from './service.js';

const Created = { 201: z.strictObject({ id: z.uuid() }) };
const NoContent = { 204: z.null() };

/** School records: years, classes, subjects, staff, students. */
export function schoolRoutes(app: App, d: school.SchoolDeps): void {
  app.get('/api/school/years', { config: { permission: 'classes.read' }, schema: { response: { 200: YearList } } }, async (req) => ({
    years: await school.listYears(d, sessionOf(req).schoolId),
  }));
  app.post(
    '/api/school/years',
    { config: { permission: 'school.setup.manage' }, schema: { body: YearCreateBody, response: Created } },
    async (req, reply) => reply.code(201).send({ id: await school.createYear(d, actorOf(req), req.body.startYear) }),
  );
  app.post(
    '/api/school/years/:id/make-current',
    { config: { permission: 'school.setup.manage' }, schema: { params: IdParam, body: EmptyBody, response: NoContent } },
    async (req, reply) => {
      await school.makeCurrent(d, actorOf(req), req.params.id);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/school/classes',
    { config: { permission: 'classes.read' }, schema: { querystring: ClassQuery, response: { 200: ClassList } } },
    async (req) => ({
      classes: await school.listClasses(d, sessionOf(req).schoolId, req.query.yearId),
    }),
  );
  app.post(
    '/api/school/classes',
    { config: { permission: 'school.setup.manage' }, schema: { body: ClassCreateBody, response: Created } },
    async (req, reply) => reply.code(201).send({ id: await school.createClass(d, actorOf(req), req.body) }),
  );
  app.get(
    '/api/school/classes/:id/subjects',
    { config: { permission: 'classes.read' }, schema: { params: IdParam, response: { 200: ClassSubjectList } } },
    async (req) => ({
      classSubjects: await school.listClassSubjects(d, sessionOf(req).schoolId, req.params.id),
    }),
  );
  app.get('/api/school/subjects', { config: { permission: 'classes.read' }, schema: { response: { 200: SubjectList } } }, async (req) => ({
    subjects: await school.listSubjects(d, sessionOf(req).schoolId),
  }));
  app.post(
    '/api/school/subjects',
    { config: { permission: 'school.setup.manage' }, schema: { body: SubjectCreateBody, response: Created } },
    async (req, reply) => reply.code(201).send({ id: await school.createSubject(d, actorOf(req), req.body) }),
  );
  app.post(
    '/api/school/class-subjects',
    { config: { permission: 'school.setup.manage' }, schema: { body: ClassSubjectCreateBody, response: Created } },
    async (req, reply) => reply.code(201).send({ id: await school.createClassSubject(d, actorOf(req), req.body) }),
  );

  app.get(
    '/api/staff',
    { config: { permission: 'staff.read' }, schema: { querystring: StaffQuery, response: { 200: StaffList } } },
    async (req) => school.listStaff(d, sessionOf(req).schoolId, req.query),
  );
  app.post(
    '/api/staff',
    { config: { permission: 'staff.manage' }, schema: { body: StaffCreateBody, response: Created } },
    async (req, reply) => reply.code(201).send({ id: await school.createStaff(d, actorOf(req), req.body) }),
  );
  app.put(
    '/api/staff/:id',
    { config: { permission: 'staff.manage' }, schema: { params: IdParam, body: StaffUpdateBody, response: NoContent } },
    async (req, reply) => {
      await school.updateStaff(d, actorOf(req), req.params.id, req.body);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/students',
    { config: { permission: 'students.read' }, schema: { querystring: StudentQuery, response: { 200: StudentList } } },
    async (req) => school.listStudents(d, actorOf(req), req.query),
  );
  app.get(
    '/api/students/:id',
    { config: { permission: 'students.read' }, schema: { params: IdParam, response: { 200: StudentDetail } } },
    async (req) => school.getStudent(d, actorOf(req), req.params.id),
  );
  app.post(
    '/api/students',
    { config: { permission: 'students.manage' }, schema: { body: StudentCreateBody, response: Created } },
    async (req, reply) => reply.code(201).send({ id: await school.createStudent(d, actorOf(req), req.body) }),
  );
  app.put(
    '/api/students/:id',
    { config: { permission: 'students.manage' }, schema: { params: IdParam, body: StudentUpdateBody, response: NoContent } },
    async (req, reply) => {
      await school.updateStudent(d, actorOf(req), req.params.id, req.body);
      return reply.code(204).send(null);
    },
  );
  app.post(
    '/api/students/:id/placement',
    { config: { permission: 'students.manage' }, schema: { params: IdParam, body: PlacementBody, response: NoContent } },
    async (req, reply) => {
      await school.moveStudent(d, actorOf(req), req.params.id, req.body);
      return reply.code(204).send(null);
    },
  );
  app.get(
    '/api/students/:id/contacts',
    { config: { permission: 'students.read' }, schema: { params: IdParam, response: { 200: ContactsView } } },
    async (req) => school.getContacts(d, actorOf(req), req.params.id),
  );
  // The contacts right reaching the student is checked by the service: nobody edits what they see masked.
  app.put(
    '/api/students/:id/contacts',
    { config: { permission: 'students.manage' }, schema: { params: IdParam, body: ContactsBody, response: NoContent } },
    async (req, reply) => {
      await school.updateContacts(d, actorOf(req), req.params.id, req.body);
      return reply.code(204).send(null);
    },
  );
  app.post(
    '/api/students/:id/reveal-id',
    { config: { permission: 'students.reveal_id' }, schema: { params: IdParam, body: RevealBody, response: { 200: RevealResult } } },
    async (req) => ({
      idNumber: await school.revealId(d, actorOf(req), req.params.id, req.body.reason),
    }),
  );
}

/** A file of up to 8 MB, as base64 inside JSON. */
const IMPORT_BODY_LIMIT = 12 * 1024 * 1024;

/** Import (preview, then commit), one route per kind so each declares its own permission. Exports run as background jobs (modules/jobs). */
export function importExportRoutes(app: App, d: school.SchoolDeps): void {
  for (const kind of ['students', 'staff', 'classes', 'class_subjects'] as const) {
    for (const step of ['preview', 'commit'] as const) {
      app.post(
        `/api/imports/${kind}/${step}`,
        {
          config: { permission: school.IMPORT_PERMISSION[kind] },
          bodyLimit: IMPORT_BODY_LIMIT,
          schema: { body: ImportBody, response: { 200: ImportReport } },
        },
        async (req) => {
          const file = Buffer.from(req.body.contentBase64, 'base64');
          return school.importFile(d, actorOf(req), kind, req.body.fileName, file, step === 'commit', req.body.effectiveDate);
        },
      );
    }
  }
}

-- New rights (issues 10 and 12): seeing students' guardians, addresses and contact numbers, the
-- security centre, and the school key's lifecycle. Schools set up before this migration: give their
-- template roles what a new school's templates give (core/auth/permissions.ts ROLE_TEMPLATES).
INSERT INTO role_permissions (school_id, role_id, permission, scope)
SELECT r.school_id, r.id, g.permission, g.scope
FROM roles r
JOIN (VALUES
  ('system_admin', 'students.contacts.read', 'school'), ('system_admin', 'security.read', 'school'),
  ('system_admin', 'security.manage', 'school'), ('system_admin', 'school_key.manage', 'school'),
  ('principal', 'students.contacts.read', 'school'), ('principal', 'security.read', 'school'),
  ('vice_principal', 'students.contacts.read', 'school'),
  ('assistant_system_admin', 'security.read', 'school'), ('assistant_system_admin', 'security.manage', 'school'),
  ('teacher', 'students.contacts.read', 'own_classes'),
  ('office_staff', 'students.contacts.read', 'school')
) AS g(template_key, permission, scope) ON g.template_key = r.template_key
ON CONFLICT DO NOTHING;

-- New rights (issue 11, memo O3): reading the annual work calendar and the year-transition plan,
-- managing them, and migrating to the new school year. Schools set up before this migration: give
-- their template roles what a new school's templates give (core/auth/permissions.ts ROLE_TEMPLATES).
INSERT INTO role_permissions (school_id, role_id, permission, scope)
SELECT r.school_id, r.id, g.permission, 'school'
FROM roles r
JOIN (VALUES
  ('system_admin', 'planning.read'), ('system_admin', 'planning.manage'), ('system_admin', 'planning.migrate'),
  ('principal', 'planning.read'),
  ('vice_principal', 'planning.read'), ('vice_principal', 'planning.manage'),
  ('panel_head', 'planning.read'),
  ('seo', 'planning.read'), ('seo', 'planning.manage'),
  ('office_staff', 'planning.read')
) AS g(template_key, permission) ON g.template_key = r.template_key
ON CONFLICT DO NOTHING;

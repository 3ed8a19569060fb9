import type { Frequency } from '../findings/policy.js';

/** The routine a school starts with (memo S2 and the Education Bureau's recommended practice); each school edits its own copy. */
export const DEFAULT_TASKS: readonly { key: string; frequency: Frequency; titleEn: string; titleZh: string }[] = [
  { key: 'review_findings', frequency: 'daily', titleEn: 'Review new security findings', titleZh: '檢視新的保安發現' },
  {
    key: 'check_signin_log',
    frequency: 'daily',
    titleEn: 'Check the sign-in log for failures and unusual places',
    titleZh: '檢查登入記錄中的失敗及異常地點',
  },
  { key: 'verify_backups', frequency: 'weekly', titleEn: 'Verify that backups ran and can be restored', titleZh: '核實備份已完成並可還原' },
  {
    key: 'review_sessions',
    frequency: 'weekly',
    titleEn: 'Look over active sessions and end any that should not be there',
    titleZh: '檢視使用中的登入工作階段及結束不應存在者',
  },
  {
    key: 'review_privileged',
    frequency: 'monthly',
    titleEn: 'Review who holds system-administrator rights',
    titleZh: '檢視持有系統管理員權限的人員',
  },
  {
    key: 'check_updates',
    frequency: 'monthly',
    titleEn: 'Check for security releases and install them within 14 days',
    titleZh: '檢查保安更新版本並於14日內安裝',
  },
  {
    key: 'disable_dormant',
    frequency: 'monthly',
    titleEn: "Disable dormant accounts and leavers' accounts",
    titleZh: '停用長期未使用及已離職人員的帳戶',
  },
  {
    key: 'review_roles',
    frequency: 'yearly',
    titleEn: 'Review roles and access rights with the principal',
    titleZh: '與校長一同檢視角色及存取權限',
  },
  {
    key: 'test_recovery',
    frequency: 'yearly',
    titleEn: 'Test restoring a backup and recovering the school key',
    titleZh: '測試還原備份及復原學校密碼匙',
  },
];

// Entry point: the route table. A new staff view is one entry here; the
// campaign pages load on demand, since the graph library is large.

import './style.css';
import { may, navigate, start, currentSession } from './app';
import { t } from './i18n';
import { account } from './pages/account';
import { dashboard } from './pages/dashboard';
import { freeze } from './pages/freeze';
import { login, signinLink } from './pages/login';
import { mules } from './pages/mules';
import { check, reportScam } from './pages/public';
import { report } from './pages/report';
import { search } from './pages/search';
import { trail } from './pages/trail';
import { triage } from './pages/triage';
import { watchlists } from './pages/watch';

start([
  {
    pattern: '/',
    title: 'crackdown',
    staff: false,
    render: () => navigate(currentSession().user ? '/dashboard' : '/check', true),
  },
  { pattern: '/check', title: () => t('check.title'), staff: false, render: check },
  { pattern: '/report-scam', title: () => t('report.title'), staff: false, render: reportScam },
  { pattern: '/login', title: 'Sign in', staff: false, render: login },
  { pattern: '/signin', title: 'Signing in', staff: false, render: signinLink },
  { pattern: '/dashboard', title: 'Dashboard', staff: true, nav: 'Dashboard', render: dashboard },
  {
    pattern: '/triage',
    title: () => (may('triage') ? 'Triage' : 'Reports'),
    staff: true,
    nav: () => (may('triage') ? 'Triage' : 'Reports'),
    render: triage,
  },
  { pattern: '/reports/:id', title: 'Report', staff: true, render: report },
  { pattern: '/search', title: 'Search', staff: true, nav: 'Search', render: search },
  { pattern: '/campaigns', title: 'Campaigns', staff: true, nav: 'Campaigns', render: async (context) => (await import('./pages/campaigns')).campaignList(context) },
  { pattern: '/campaigns/:id', title: 'Campaign', staff: true, render: async (context) => (await import('./pages/campaigns')).campaignView(context) },
  { pattern: '/trail', title: 'Money trail', staff: true, nav: 'Money trail', may: 'ledger', render: trail },
  { pattern: '/mules', title: 'Mule accounts', staff: true, nav: 'Mules', may: 'ledger', render: mules },
  { pattern: '/freeze', title: 'Freeze list', staff: true, nav: 'Freeze list', may: 'ledger', render: freeze },
  { pattern: '/screening', title: 'Screening', staff: true, nav: 'Screening', may: 'screening', render: async (context) => (await import('./pages/screening')).caseList(context) },
  { pattern: '/screening/people/:pseudonym', title: 'Screening case', staff: true, may: 'screening', render: async (context) => (await import('./pages/screening-case')).caseDetail(context) },
  { pattern: '/screening/people/:pseudonym/interview', title: () => t('screen.intake_title'), staff: true, may: 'screening', render: async (context) => (await import('./pages/screening-intake')).intake(context) },
  { pattern: '/watchlists', title: 'Watchlists & alerts', staff: true, nav: 'Watchlists', may: 'watch', render: watchlists },
  { pattern: '/account', title: 'Account', staff: true, nav: 'Account', render: account },
]);

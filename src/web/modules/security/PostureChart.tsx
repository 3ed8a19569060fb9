import { Paper, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.js';
import { FormError } from '../../components/FormError.js';
import { POSTURE_KEY, type Posture, formatDay } from './securityShared.js';

const COLOURS = { high: '#b42318', medium: '#b7791f', low: '#1d4ed8' } as const;
const LEVELS = ['high', 'medium', 'low'] as const;

/** Open findings by severity per day, as stacked bars drawn in SVG (scales to any width); the latest day's figures are its label. */
export function PostureChart() {
  const { t, i18n } = useTranslation();
  const posture = useQuery({ queryKey: POSTURE_KEY, queryFn: () => api.get<Posture>('/api/security/posture?days=90') });
  const days = posture.data?.days ?? [];
  const max = Math.max(1, ...days.map((d) => d.high + d.medium + d.low));
  // At least a month of slots, newest on the right, so a few days of history are a few narrow bars, not one wide block.
  const slots = Math.max(days.length, 30);
  const bar = 12;
  const width = slots * bar;
  const height = 120;
  const offset = slots - days.length;
  return (
    <Paper withBorder p="md" data-testid="posture">
      <Stack gap="xs">
        <Title order={2} size="h4">
          {t('securityCentre.posture.title')}
        </Title>
        <Text size="sm">{t('securityCentre.posture.explain')}</Text>
        <FormError error={posture.error} />
        {days.length === 0 ? (
          <Text size="sm" data-testid="posture-empty">
            {t('securityCentre.posture.empty')}
          </Text>
        ) : (
          <>
            <svg
              viewBox={`0 0 ${width} ${height + 2}`}
              width="100%"
              height={height}
              preserveAspectRatio="none"
              role="img"
              aria-label={`${t('securityCentre.posture.title')}: ${t('securityCentre.openCounts', { high: days.at(-1)?.high ?? 0, medium: days.at(-1)?.medium ?? 0, low: days.at(-1)?.low ?? 0 })}`}
              data-testid="posture-chart"
            >
              {days.map((d, i) => {
                let y = height;
                return LEVELS.map((level) => {
                  const h = (d[level] / max) * (height - 4);
                  y -= h;
                  return h > 0 ? (
                    <rect
                      key={`${d.day}-${level}`}
                      x={(offset + i) * bar + 1}
                      y={y}
                      width={Math.max(bar - 2, 1)}
                      height={h}
                      fill={COLOURS[level]}
                    />
                  ) : null;
                });
              })}
              <line x1="0" y1={height + 1} x2={width} y2={height + 1} stroke="#555" strokeWidth="1" />
            </svg>
            <Text size="xs">
              {LEVELS.map((level) => (
                <span key={level} style={{ marginInlineEnd: 12, whiteSpace: 'nowrap' }}>
                  <span style={{ display: 'inline-block', width: 10, height: 10, background: COLOURS[level], marginInlineEnd: 4 }} />
                  {t(`securityCentre.severity.${level}`)}
                </span>
              ))}
              {formatDay(days[0]?.day, i18n.language)} – {formatDay(days.at(-1)?.day, i18n.language)}
            </Text>
          </>
        )}
      </Stack>
    </Paper>
  );
}

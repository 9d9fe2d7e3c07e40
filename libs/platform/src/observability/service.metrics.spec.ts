import { ServiceMetrics } from './service.metrics';

describe('service metrics', () => {
  it('counts adjustments by payer, reason and direction: 补付 (more paid) is supplement, 追回 (taken back) is recovery', async () => {
    const metrics = new ServiceMetrics();
    metrics.countAdjustments('critical-illness', [
      { amount: '120.50', reason: 'LATE_CLAIM' },
      { amount: '-80.00', reason: 'LATE_CLAIM' },
      { amount: '-0.01', reason: 'ELIGIBILITY_REVOKED' },
      { amount: '3.00', reason: 'LATE_CLAIM' },
    ]);
    const text = await metrics.registry.metrics();
    expect(text).toContain('msb_adjustments_total{payer="critical-illness",reason="LATE_CLAIM",direction="supplement"} 2');
    expect(text).toContain('msb_adjustments_total{payer="critical-illness",reason="LATE_CLAIM",direction="recovery"} 1');
    expect(text).toContain('msb_adjustments_total{payer="critical-illness",reason="ELIGIBILITY_REVOKED",direction="recovery"} 1');
  });

  it('labels every sample with the service, adds the process metrics, and counts a source it cannot read instead of failing the scrape', async () => {
    const metrics = new ServiceMetrics();
    const down = async (): Promise<never> => {
      throw new Error('database unavailable');
    };
    metrics.bind('basic-insurance', {
      db: { query: down } as never,
      admin: {} as never,
      consumers: () => [],
      parked: async () => 3,
      held: down,
    });
    await metrics.registry.metrics(); // the failures of a scrape are counted from the next one on
    const text = await metrics.registry.metrics();
    expect(text).toContain('msb_parked_person_years{service="basic-insurance"} 3');
    expect(text).toContain('msb_metrics_collect_errors_total{source="msb_held_person_years",service="basic-insurance"} 1');
    expect(text).toContain('msb_metrics_collect_errors_total{source="msb_outbox_rows",service="basic-insurance"} 1');
    expect(text).toMatch(/^process_cpu_user_seconds_total\{service="basic-insurance"\} /m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds\{service="basic-insurance"\} /m);
    // every metric of ours is documented and prefixed
    const ours = [...text.matchAll(/^# HELP (\S+) (.+)$/gm)].filter(([, name]) => !/^(process|nodejs)_/.test(name));
    expect(ours.length).toBeGreaterThan(10);
    for (const [, name, help] of ours)
      expect({ name, prefixed: name.startsWith('msb_'), help: help.length > 10 }).toEqual({ name, prefixed: true, help: true });
  });
});

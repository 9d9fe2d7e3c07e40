import { basicCatalogueSchema, criticalIllnessCatalogueSchema, hospitalRecordSchema } from './catalogue.schema';
import { claimSchema } from './claim.schema';

const CLAIM = {
  claimId: 'C-1',
  personId: 'P-1',
  region: '440300',
  hospital: { id: 'H-1' },
  visitType: 'OUTPATIENT',
  serviceDate: '2024-03-05',
  diagnosis: ['E11.9'],
  items: [{ code: 'A-DRUGS', amount: '25.00' }],
};
const problems = (body: unknown) => {
  const parsed = claimSchema.safeParse(body);
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('/')}: ${i.message}`);
};

describe('a claim by catalogue code and hospital id', () => {
  it.each(
    [
      ['2', '12.50', '25.00'],
      ['0.5', '50', '25'],
    ].slice(0, 2),
  )('given quantity %s × unitPrice %s = amount %s, then it is valid', (quantity, unitPrice, amount) => {
    expect(problems({ ...CLAIM, items: [{ code: 'A-DRUGS', amount, quantity, unitPrice }] })).toEqual([]);
  });

  it('given a quantity × unitPrice that does not multiply out to the amount, then the amount is refused with the product', () => {
    expect(problems({ ...CLAIM, items: [{ code: 'A-DRUGS', amount: '1.00', quantity: '3', unitPrice: '0.3333' }] })).toEqual([
      'items/0/amount: must equal quantity × unitPrice (3 × 0.3333 = 0.9999)',
    ]);
  });

  it('given a quantity without a unit price, then both are asked for', () => {
    expect(problems({ ...CLAIM, items: [{ code: 'A-DRUGS', amount: '25.00', quantity: '2' }] })).toEqual([
      'items/0/unitPrice: quantity and unitPrice go together: send both or neither',
    ]);
  });

  it('given the fields a hospital used to declare, then each is an unknown field', () => {
    const body = {
      ...CLAIM,
      hospital: { id: 'H-1', level: 3, inRegion: true },
      items: [{ code: 'A', amount: '1', category: 'A', ciEligible: true }],
    };
    const parsed = claimSchema.safeParse(body);
    expect(parsed.success).toBe(false);
    const unknown = parsed.error!.issues.flatMap((i) => ('keys' in i ? i.keys.map((k) => `${i.path.join('/')}/${k}`) : []));
    expect(unknown.sort()).toEqual(['hospital/inRegion', 'hospital/level', 'items/0/category', 'items/0/ciEligible']);
  });
});

describe('catalogues and the hospital registry', () => {
  it('a B self-pay ratio belongs to B items only', () => {
    expect(basicCatalogueSchema.safeParse({ items: { X: { category: 'B', selfPayRatio: '0.10' } } }).success).toBe(true);
    expect(basicCatalogueSchema.safeParse({ items: { X: { category: 'A', selfPayRatio: '0.10' } } }).success).toBe(false);
  });

  it('大病 lists each admitted code once', () => {
    const parsed = criticalIllnessCatalogueSchema.safeParse({ covered: ['D-1', 'D-2', 'D-1'] });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((i) => `${i.path.join('/')}: ${i.message}`)).toEqual(['covered/2: lists D-1 twice']);
  });

  it('a hospital record names its level 1–3, region and designation', () => {
    expect(hospitalRecordSchema.safeParse({ name: 'City', level: 3, region: '440300', designated: true }).success).toBe(true);
    const parsed = hospitalRecordSchema.safeParse({ name: '', level: 4, region: '4', designated: 'yes' });
    expect(parsed.error!.issues.map((i) => i.path.join('/')).sort()).toEqual(['designated', 'level', 'name', 'region']);
  });
});

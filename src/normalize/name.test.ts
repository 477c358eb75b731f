import { describe, expect, it } from 'vitest';
import { nameMatchKeys, parseName, type NameInput } from './name.js';

describe('parseName from a full-name field', () => {
  it.each([
    // [full, given, family, display, script] — CRM and loyalty values from retail-20k.
    ['Wei Wang', 'Wei', 'Wang', 'Wei Wang', 'latin'],
    ['WANG Wei', 'Wei', 'Wang', 'Wei Wang', 'latin'],
    ['Wang, Wei', 'Wei', 'Wang', 'Wei Wang', 'latin'],
    ['ZHANG Lihua', 'Lihua', 'Zhang', 'Lihua Zhang', 'latin'],
    ['GAO Yan', 'Yan', 'Gao', 'Yan Gao', 'latin'],
    ['XU Jianugo', 'Jianugo', 'Xu', 'Jianugo Xu', 'latin'],
    ['Yang, Miling', 'Miling', 'Yang', 'Miling Yang', 'latin'],
    ['Lopez, Lia', 'Lia', 'Lopez', 'Lia Lopez', 'latin'],
    ['Garcia, Robert', 'Robert', 'Garcia', 'Robert Garcia', 'latin'],
    ["O'Brien, Emma", 'Emma', "O'Brien", "Emma O'Brien", 'latin'],
    ['Mary Clark', 'Mary', 'Clark', 'Mary Clark', 'latin'],
    ['Celoe Miller', 'Celoe', 'Miller', 'Celoe Miller', 'latin'],
    ["David O'Brien", 'David', "O'Brien", "David O'Brien", 'latin'],
    ['Peter Müller', 'Peter', 'Müller', 'Peter Müller', 'latin'],
    ['Müller, Lisa', 'Lisa', 'Müller', 'Lisa Müller', 'latin'],
    // Chinese characters: first character is the family name unless a compound surname starts the name.
    ['王伟', 'Wei', 'Wang', '王伟', 'han'],
    ['孙晓明', 'Xiaoming', 'Sun', '孙晓明', 'han'],
    ['赵静', 'Jing', 'Zhao', '赵静', 'han'],
    ['何美玲', 'Meiling', 'He', '何美玲', 'han'],
    ['郑子涵', 'Zihan', 'Zheng', '郑子涵', 'han'],
    ['欧阳娜娜', 'Nana', 'Ouyang', '欧阳娜娜', 'han'],
    ['司马光', 'Guang', 'Sima', '司马光', 'han'],
    ['诸葛亮', 'Liang', 'Zhuge', '诸葛亮', 'han'],
    ['上官婉儿', 'Wan\'er'.replace("'", ''), 'Shangguan', '上官婉儿', 'han'],
    ['东方', 'Fang', 'Dong', '东方', 'han'], // two characters: 东 family, not the compound 东方
    ['单雄信', 'Xiongxin', 'Shan', '单雄信', 'han'], // surname reading, not "dan"
    ['曾国藩', 'Guofan', 'Zeng', '曾国藩', 'han'],
    ['吕布', 'Bu', 'Lü', '吕布', 'han'],
    ['王', '', 'Wang', '王', 'han'],
    ['王 伟', 'Wei', 'Wang', '王伟', 'han'],
    ['王先生', '', 'Wang', '王', 'han'],
    ['约翰·史密斯', 'Yuehan', 'Shimisi', '约翰·史密斯', 'han'],
    ['王伟 David', 'Wei David', 'Wang', '王伟 David', 'mixed'],
    // Whitespace and case.
    ['  mary   clark ', 'Mary', 'Clark', 'Mary Clark', 'latin'],
    ['MARY CLARK', 'Mary', 'Clark', 'Mary Clark', 'latin'], // all caps: no signal, Western order
    ['Mary\u00a0Clark', 'Mary', 'Clark', 'Mary Clark', 'latin'],
    ['Wei WANG', 'Wei', 'Wang', 'Wei Wang', 'latin'],
    ['Mary Ann SMITH JONES', 'Mary Ann', 'Smith Jones', 'Mary Ann Smith Jones', 'latin'],
    ['John F. KENNEDY', 'John F.', 'Kennedy', 'John F. Kennedy', 'latin'],
    ['Ronald McDonald', 'Ronald', 'McDonald', 'Ronald McDonald', 'latin'],
    ['Ludwig van Beethoven', 'Ludwig', 'van Beethoven', 'Ludwig van Beethoven', 'latin'],
    ['Maria de la Cruz', 'Maria', 'de la Cruz', 'Maria de la Cruz', 'latin'],
    ['Dr. Jane Smith', 'Jane', 'Smith', 'Jane Smith', 'latin'],
    ['John Smith Jr.', 'John', 'Smith', 'John Smith', 'latin'],
    ['John Smith, Jr.', 'John', 'Smith', 'John Smith', 'latin'],
    ['Smith, John, Jr.', 'John', 'Smith', 'John Smith', 'latin'],
    ['Jean-Luc Picard', 'Jean-Luc', 'Picard', 'Jean-Luc Picard', 'latin'],
    ['Madonna', '', 'Madonna', 'Madonna', 'latin'],
    ['Smith,', '', 'Smith', 'Smith', 'latin'],
    ['', '', '', '', 'latin'],
  ] as const)('should parse %j as given %j, family %j', (full, given, family, display, script) => {
    expect(parseName({ full })).toEqual({ given, family, display, original: full, script });
  });

  it('should keep a decomposed umlaut equal to the composed one', () => {
    expect(parseName({ full: 'Peter Mu\u0308ller' }).family).toBe('Müller');
  });
});

describe('parseName from first/last columns', () => {
  it.each([
    // [first, last, given, family, display, script] — shop values from retail-20k.
    ['Mia', 'Miller', 'Mia', 'Miller', 'Mia Miller', 'latin'],
    ['Hui', 'Zhao', 'Hui', 'Zhao', 'Hui Zhao', 'latin'],
    ['Yuong', 'Wu', 'Yuong', 'Wu', 'Yuong Wu', 'latin'],
    ['Emma', "O'Brien", 'Emma', "O'Brien", "Emma O'Brien", 'latin'],
    ['Lisa', 'Müller', 'Lisa', 'Müller', 'Lisa Müller', 'latin'],
    [' mia ', 'MILLER', 'Mia', 'Miller', 'Mia Miller', 'latin'],
    ['WANG', 'Wei', 'Wei', 'Wang', 'Wei Wang', 'latin'], // all-caps first name next to a cased last name: swapped
    ['Mary', '', 'Mary', '', 'Mary', 'latin'],
    ['晓明', '孙', 'Xiaoming', 'Sun', '孙晓明', 'han'],
    ['雄信', '单', 'Xiongxin', 'Shan', '单雄信', 'han'],
    ['Ann', 'de la Cruz', 'Ann', 'de la Cruz', 'Ann de la Cruz', 'latin'],
  ] as const)('should parse first %j last %j', (first, last, given, family, display, script) => {
    const r = parseName({ first, last });
    expect(r).toEqual({ given, family, display, original: `${first} ${last}`.trim(), script });
  });

  it('should prefer first/last over full and keep full as the original', () => {
    expect(parseName({ full: 'Wang Wei', first: 'Wei', last: 'Wang' })).toEqual({
      given: 'Wei', family: 'Wang', display: 'Wei Wang', original: 'Wang Wei', script: 'latin',
    });
  });

  it.each([[{}], [{ full: null, first: null, last: null }], [{ full: '   ' }]] as NameInput[][])('should give empty parts for %j', (input) => {
    const r = parseName(input);
    expect([r.given, r.family, r.display]).toEqual(['', '', '']);
  });
});

describe('nameMatchKeys', () => {
  it.each([
    // Records of one person across the three silos must meet on given+family or on sorted.
    ['Wei Wang', { full: 'WANG Wei' }],
    ['Wei Wang', { full: 'Wang, Wei' }],
    ['Wei Wang', { full: '王伟' }],
    ['Wei Wang', { first: 'Wei', last: 'Wang' }],
    ['Xiaoming Sun', { full: '孙晓明' }],
    ['Xiaoming Sun', { full: 'SUN Xiaoming' }],
    ['Lihua Zhang', { full: 'ZHANG Lihua' }],
    ['Lia Lopez', { full: 'Lopez, Lia' }],
    ['Mary Clark', { full: 'MARY CLARK' }],
    ["Emma O'Brien", { full: "O'Brien, Emma" }],
    ['Lisa Müller', { first: 'lisa', last: 'MÜLLER' }],
  ] as const)('should give %j the same given/family keys as %j', (full, other) => {
    const a = nameMatchKeys(parseName({ full }));
    const b = nameMatchKeys(parseName(other));
    expect(b).toEqual(a);
  });

  it.each([
    [{ full: 'Wei Wang' }, { given: 'wei', family: 'wang', full: 'wei wang', sorted: 'wang wei', givenSound: 'W', familySound: 'WANG' }],
    [{ full: '孙晓明' }, { given: 'xiaoming', family: 'sun', full: 'xiaoming sun', sorted: 'sun xiaoming', givenSound: 'XANANG', familySound: 'SAN' }],
    [{ full: 'Peter Müller' }, { given: 'peter', family: 'muller', full: 'peter muller', sorted: 'muller peter', givenSound: 'PATAR', familySound: 'MALAR' }],
    [{ full: "David O'Brien" }, { given: 'david', family: 'obrien', full: 'david obrien', sorted: 'david obrien', givenSound: 'DAVAD', familySound: 'OBRAN' }],
    [{ full: 'Mary Ann de la Cruz' }, { given: 'maryann', family: 'delacruz', full: 'maryann delacruz', sorted: 'ann cruz de la mary', givenSound: 'MARY AN', familySound: 'D L CR' }],
    [{ full: 'Jean-Luc Picard' }, { given: 'jeanluc', family: 'picard', full: 'jeanluc picard', sorted: 'jeanluc picard', givenSound: 'JANLAC', familySound: 'PACAD' }],
    [{ full: '吕布' }, { given: 'bu', family: 'lu', full: 'bu lu', sorted: 'bu lu', givenSound: 'B', familySound: 'L' }],
    [{ full: 'Madonna' }, { given: '', family: 'madonna', full: 'madonna', sorted: 'madonna', givenSound: '', familySound: 'MADAN' }],
  ] as const)('should key %j as %j', (input, keys) => {
    expect(nameMatchKeys(parseName(input))).toEqual(keys);
  });

  it('should let order-swapped names meet on the sorted key only', () => {
    // "Wang Wei" typed in Chinese order without capitals reads as given Wang, family Wei.
    const swapped = nameMatchKeys(parseName({ full: 'Wang Wei' }));
    const western = nameMatchKeys(parseName({ full: 'Wei Wang' }));
    expect(swapped.family).not.toBe(western.family);
    expect(swapped.sorted).toBe(western.sorted);
  });

  it.each([
    // Planted typos from retail-20k: vowel slips and dropped vowels meet, consonant slips do not.
    ['Daniel Leis', 'Daniel Lewis', true],
    ['Peter Müler', 'Peter Müller', true],
    ['Peter Mueller', 'Peter Müller', true],
    ['Mia Millar', 'Mia Miller', true],
    ['Zang Wei', 'Zhang Wei', true],
    ['Lcas Galcia', 'Lucas Garcia', false],
    ['Celoe Miller', 'Chloe Miller', false],
  ] as const)('should give %j and %j equal family+given sound keys: %s', (a, b, same) => {
    const ka = nameMatchKeys(parseName({ full: a }));
    const kb = nameMatchKeys(parseName({ full: b }));
    expect(ka.givenSound === kb.givenSound && ka.familySound === kb.familySound).toBe(same);
  });
});

/** Common English given-name diminutives. Deliberately small and conservative: each group is a
 * formal name and the short forms people commonly enter for it. A name can sit in several
 * groups ("chris" for Christopher and Christina). Only used for `partial_match`, and only when
 * the family name also agrees, so a missing group costs recall, never precision. */
const GROUPS: readonly string[] = [
  'abigail abby abbie gail',
  'albert al bert bertie',
  'alexander alex alec sandy xander',
  'alexandra alex alexa sandra sandy lexi',
  'alfred al alf fred freddie',
  'andrew andy drew',
  'anthony tony ant',
  'barbara barb babs',
  'benjamin ben benny benji',
  'catherine kate katie cathy cat kathy',
  'katherine kate katie kathy kat kitty',
  'charles charlie chuck chas chaz',
  'christina chris chrissy tina',
  'christine chris chrissy',
  'christopher chris topher kit',
  'daniel dan danny',
  'david dave davey',
  'deborah deb debbie debby',
  'donald don donnie',
  'dorothy dot dottie dolly',
  'douglas doug',
  'edward ed eddie ned ted',
  'elizabeth liz lizzie beth betty betsy eliza libby lisa',
  'eleanor ellie nell nora',
  'frances fran frankie',
  'francis frank frankie',
  'frederick fred freddie',
  'gabriel gabe',
  'gerald gerry jerry',
  'gregory greg',
  'harold harry hal',
  'henry hank harry hal',
  'isabella bella izzy isabel',
  'jacob jake',
  'james jim jimmy jamie',
  'jennifer jen jenny',
  'jessica jess jessie',
  'john johnny jack jon',
  'jonathan jon jonny nathan',
  'joseph joe joey',
  'joshua josh',
  'judith judy',
  'kenneth ken kenny',
  'kimberly kim kimmy',
  'lawrence larry',
  'leonard leo len lenny',
  'margaret maggie meg peggy marge madge greta',
  'matthew matt',
  'michael mike mikey mick mickey',
  'nathaniel nate nathan nat',
  'nicholas nick nicky',
  'pamela pam',
  'patricia pat patty trish tricia',
  'patrick pat paddy',
  'peter pete',
  'philip phil',
  'rebecca becky becca',
  'richard rich rick ricky dick',
  'robert rob bob bobby robbie bert',
  'ronald ron ronnie',
  'samantha sam sammy',
  'samuel sam sammy',
  'stephen steve stevie',
  'steven steve stevie',
  'susan sue susie',
  'theodore ted teddy theo',
  'thomas tom tommy',
  'timothy tim timmy',
  'victoria vicky tori',
  'vincent vince vinny',
  'walter walt wally',
  'william will bill billy willy liam',
  'zachary zach zack',
];

const GROUPS_OF = new Map<string, number[]>();
GROUPS.forEach((group, index) => {
  for (const name of group.split(' ')) GROUPS_OF.set(name, [...(GROUPS_OF.get(name) ?? []), index]);
});

/** Whether two folded given names are the same name in formal and familiar form. */
export function sameNickname(a: string, b: string): boolean {
  if (a === b) return true;
  const groups = GROUPS_OF.get(a);
  const other = GROUPS_OF.get(b);
  return !!groups && !!other && groups.some((g) => other.includes(g));
}

/** The formal names a given name is a diminutive of (itself included), for generating data. */
export function nicknamesOf(name: string): string[] {
  const out = new Set<string>();
  for (const g of GROUPS_OF.get(name) ?? []) for (const n of GROUPS[g]!.split(' ')) if (n !== name) out.add(n);
  return [...out];
}

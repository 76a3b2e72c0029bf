// Linguistic markers of the Croatian / Serbian / Bosnian / Montenegrin standards, used as extra
// features by the `bcms` second-stage model: each marker word adds its category's feature, so
// evidence from many rare words is pooled into a few weights the small training set can learn.
// Categories, not verdicts: the weights are learned. Text is Latin (Cyrillic is transliterated).
// Reference: standard grammars and the differential vocabularies (e.g. Ljubešić et al. 2007,
// "Language identification: how to distinguish similar languages?").

const W = (s: string) => s.split(/\s+/).filter(Boolean);

/**
 * category name → words (lower case, Latin). Words that occur in any held-out sentence of
 * hr/sr/bs/cnr (src/lid/data.ts) were removed, so the choice of markers cannot have been fitted
 * to the evaluation text (src/lid/markers.test.ts checks it); this drops common markers such as
 * ko/tko/što/tokom/tijekom, which the model still learns as ordinary word features.
 */
export const BCMS_MARKERS: Record<string, string[]> = {
  // jat reflex: ekavian (Serbian standard) vs ijekavian (Croatian, Bosnian, Montenegrin)
  ekavian: W(`uvek gde ovde tamo negde svetu svetski svetske svetskog mesto mesta mesec meseca meseci reč reči reka reke
    deca deteta lep lepa lepo lepe telo tela cena cene cenu severa severni vera vere pesma pesme beo belo bele
    svetlo svetlu svetla nedelje predsednika predsedniku predsedništvo primer primera primeru vek veku desetak
    menja menjati promene promenu sredine sreda sredstvo meru merama odelo delovanje delovati poverenje verujem
    veruju vest vesti vesnik lekar lekova lek greška nedeljno dvema`),
  ijekavian: W(`poslije negdje svjetske svjetskog mjeseci riječ riječi rijeka djeca djece dijete djeteta lijep lijepa lijepo
    lijepe tijelo cijena cijenu sjever sjevera sjeverni vjera vjere djelu pjesma bijel bijela bijelo bijele
    svjetlo svjetla nedjelja nedjelje predsjedniku predsjedništvo primjer primjera primjeru vijek vijeka vijeku
    mijenja mijenjati mjere mjeru mjerama odijelo djelovanje vjerujem vjeruju vijest vjesnik liječenje liječnik
    lijekova lijek nedjeljno sjećanje uvjet uvjeta`),
  // Croatian standard vocabulary and forms
  hrLex: W(`netko itko tisuće tisuću kruh točka točno vlak vlaka sveučilište sveučilišta tjedna gospodarstvo gospodarskog
    povijest povijesni obitelj općina općine zrakoplov zrakoplova zračni zračna izvješće proračun proračuna
    sudionik tvrtki udruge ravnatelj izbornik nogomet nogometni europa europskoj znanost znanosti znanstveni
    siječanj veljača ožujak travanj svibanj lipanj srpanj kolovoz rujan listopad prosinac siječnja ožujka travnja
    srpnja studenoga kazalište kat kemija kemijski zrak zraka utjecaja utječe ured ureda suradnja suradnji osobni
    osobne članak članka opći opća opće ćemo hoće sustava sustavu obveza izvršiti vlastiti zemljopisni glazba
    glazbe`),
  // Serbian (and largely Montenegrin) standard vocabulary
  srLex: W(`hiljade hiljadu hleb tačka tačno voz voza univerzitet univerziteta privreda privredni privredne privrednog
    istorija istorije istoriji istorijski porodica porodice opština opštine opšte opšti avion aviona vazduh
    vazdušni izveštaja budžet budžeta učesnik učesnika učestvuju firma firme udruženja fudbal fudbalski evropa
    evropske evropskog evropskoj nauka nauke naučni uslovi kancelarije saradnja saradnji penzija penzije penzioni
    lice pozorište sprat hemija hemijski uticaja sistem sistemu obaveza obaveze sopstveni muzika muzike januar
    februar mart april maj jul avgust septembar oktobar novembar marta aprila maja juna jula avgusta septembra
    bićemo vaspitanje obrazovanje`),
  // Bosnian: h retained, Turkish-origin vocabulary
  bsLex: W(`historija historije historiji historijski hljeb kahva kahve lahko mehko sehara hudovati sedmica sedmice
    sedmicu hiljade uvjeta općina općine august augusta septembar oktobar novembar mahala avlija čaršija dženaza
    dova bajram džamija mezar`),
  // Montenegrin: ś ź and iotated forms
  cnrLex: W(`đe ođe ovđe neđe śutra sjutra śekira śesti śedi śeme iśeći pośle pośljednji źenica đevojka đevojke đeca
    đetinjstvo nijesam nijesmo nijeste ćerka ćerke ljeto đed`),
  // interrogative/indefinite pronouns: ko/šta (sr, bs, cnr) vs tko/što (hr)
  koSta: W(`neko iko šta išta svašta koga`),
  tkoSto: W(`netko itko išto svašta komu`),
};

/** The markers as a lookup: word → category indices (a word may sit in several). */
export function markerIndex(table: Record<string, string[]>): { names: string[]; byWord: Map<string, number[]> } {
  const names = Object.keys(table);
  const byWord = new Map<string, number[]>();
  names.forEach((n, i) => {
    for (const w of table[n]!) {
      const a = byWord.get(w) ?? [];
      if (!a.includes(i)) a.push(i);
      byWord.set(w, a);
    }
  });
  return { names, byWord };
}

/**
 * Orthographic jat-reflex patterns, generic (no word list): 0 = `ije` inside a word after a
 * consonant (vrijeme, rijeka, cijena; ijekavian long reflex), 1 = b/d/m/p/s/t/v/c + `je` inside a
 * word (mjesto, vjera, djeca, tjedan, sjever; short reflex), -1 = neither. Ekavian has `e` there.
 */
export function jatClass(word: string): number {
  if (/[bcćčdđfghklmnprsštvzž]ije./.test(word)) return 0;
  if (/.[bcdmpstv]je/.test(word) && !/^(?:ob|sub|pod|nad|raz|iz|od)je/.test(word)) return 1;
  return -1;
}

/** Suffix classes: -irati (hr, bs) vs -ovati/-isati (sr, cnr) verbs of foreign origin. */
export function suffixClass(word: string): number {
  if (/(?:ir(?:ati|an|ana|ano|ani|ao|ala|alo|ali|a|am|aju|ajući))$/.test(word) && word.length > 6) return 0;
  if (/(?:izov(?:ati|an|ana|ano|ani|ao|ala|alo|ali)|ovan|ovana|ovano|ovani|uje|uju)$/.test(word) && word.length > 6) return 1;
  return -1;
}

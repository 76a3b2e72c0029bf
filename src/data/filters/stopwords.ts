// Stop-word lists for the Gopher "enough stop words" check: ~25-40 of the most frequent function
// words per registry language, lower case, NFC. Not a linguistic resource for anything else:
// only membership matters, so short, unambiguous, very frequent words were chosen. Languages
// written in two scripts (sr, bs, cnr) list both. Reference: Gopher (Rae et al. 2021, §A.1.1),
// FineWeb-2 per-language stop words (the top words of each language's corpus).

// prettier-ignore
export const STOP_WORDS: Readonly<Record<string, readonly string[]>> = {
  bg: ['и', 'в', 'на', 'се', 'да', 'е', 'за', 'от', 'не', 'с', 'са', 'по', 'че', 'как', 'това', 'ще', 'но', 'към', 'или', 'го', 'са', 'които', 'който', 'която', 'той', 'тя', 'те', 'при', 'до', 'след', 'ни', 'има', 'бъде', 'си', 'му'],
  hr: ['i', 'u', 'je', 'na', 'se', 'da', 'za', 'od', 'su', 'a', 'koji', 'ne', 's', 'sa', 'o', 'kao', 'što', 'ili', 'do', 'bi', 'će', 'iz', 'to', 'ali', 'biti', 'sve', 'koja', 'koje', 'nije', 'po', 'samo', 'li', 'kako', 'ima'],
  cs: ['a', 'se', 'v', 'na', 'je', 'že', 'to', 's', 'z', 'do', 'o', 'k', 'i', 'jako', 'pro', 'by', 've', 'ale', 'který', 'která', 'které', 'jsou', 'bude', 'jsem', 'není', 'tak', 'po', 'při', 'nebo', 'od', 'jeho', 'tento', 'také', 'být'],
  da: ['og', 'i', 'at', 'det', 'er', 'en', 'til', 'på', 'den', 'af', 'for', 'med', 'som', 'ikke', 'har', 'de', 'et', 'der', 'jeg', 'han', 'var', 'om', 'men', 'kan', 'vi', 'fra', 'sig', 'være', 'skal', 'også', 'efter', 'eller', 'sin', 'hvor'],
  nl: ['de', 'en', 'van', 'het', 'een', 'in', 'is', 'dat', 'op', 'te', 'voor', 'met', 'zijn', 'niet', 'die', 'aan', 'er', 'om', 'ook', 'als', 'bij', 'of', 'door', 'maar', 'naar', 'dan', 'wordt', 'uit', 'nog', 'worden', 'kan', 'heeft', 'hij', 'ze'],
  en: ['the', 'be', 'to', 'of', 'and', 'that', 'have', 'with', 'a', 'in', 'is', 'it', 'for', 'on', 'as', 'was', 'are', 'this', 'by', 'not', 'or', 'from', 'at', 'but', 'they', 'his', 'her', 'which', 'an', 'has', 'were', 'been', 'their', 'will'],
  et: ['ja', 'on', 'ei', 'et', 'ka', 'see', 'oli', 'mis', 'kui', 'ta', 'ning', 'aga', 'nii', 'ma', 'siis', 'või', 'mida', 'kes', 'olla', 'veel', 'ole', 'oma', 'seda', 'selle', 'kõik', 'pärast', 'juba', 'mitte', 'tema', 'kus', 'nad', 'kuid', 'üle', 'ainult'],
  fi: ['ja', 'on', 'ei', 'että', 'se', 'oli', 'ovat', 'mutta', 'tai', 'kuin', 'myös', 'joka', 'jos', 'ole', 'hän', 'niin', 'kun', 'sen', 'tämä', 'vain', 'jo', 'sekä', 'voi', 'mukaan', 'olla', 'ne', 'kanssa', 'jotka', 'siitä', 'tässä', 'nyt', 'sitä', 'mitä', 'sitten'],
  fr: ['de', 'la', 'le', 'et', 'les', 'des', 'en', 'un', 'du', 'une', 'que', 'est', 'pour', 'qui', 'dans', 'par', 'sur', 'au', 'pas', 'plus', 'il', 'ne', 'ce', 'avec', 'se', 'sont', 'aux', 'son', 'sa', 'ou', 'mais', 'nous', 'vous', 'cette', 'elle'],
  de: ['der', 'die', 'und', 'in', 'den', 'von', 'zu', 'das', 'mit', 'sich', 'des', 'auf', 'für', 'ist', 'im', 'dem', 'nicht', 'ein', 'eine', 'als', 'auch', 'es', 'an', 'werden', 'aus', 'er', 'hat', 'dass', 'sie', 'nach', 'wird', 'bei', 'einer', 'um', 'oder', 'sind'],
  el: ['και', 'το', 'να', 'του', 'η', 'της', 'την', 'σε', 'με', 'ο', 'για', 'τα', 'των', 'που', 'τον', 'δεν', 'από', 'οι', 'θα', 'είναι', 'τις', 'στο', 'στην', 'ότι', 'ή', 'στη', 'τους', 'ένα', 'μια', 'αλλά', 'στα', 'στον', 'ως', 'κατά'],
  hu: ['a', 'az', 'és', 'hogy', 'nem', 'is', 'egy', 'meg', 'van', 'de', 'el', 'ez', 'már', 'csak', 'mint', 'még', 'volt', 'kell', 'vagy', 'ha', 'azt', 'ki', 'fel', 'mert', 'be', 'lesz', 'minden', 'így', 'nagyon', 'ezt', 'amely', 'pedig', 'után', 'között'],
  ga: ['an', 'na', 'agus', 'ar', 'i', 'a', 'is', 'le', 'ag', 'go', 'sé', 'sí', 'ní', 'do', 'de', 'bhí', 'tá', 'atá', 'mar', 'ó', 'leis', 'seo', 'sin', 'ach', 'nó', 'faoi', 'don', 'den', 'aon', 'chun', 'gach', 'siad', 'bhfuil', 'raibh'],
  it: ['di', 'e', 'il', 'la', 'che', 'in', 'a', 'per', 'un', 'del', 'è', 'non', 'una', 'della', 'le', 'con', 'i', 'si', 'da', 'al', 'dei', 'lo', 'gli', 'come', 'anche', 'più', 'sono', 'nel', 'alla', 'ma', 'delle', 'o', 'questo', 'ha'],
  lv: ['un', 'ir', 'ar', 'par', 'uz', 'no', 'ka', 'kas', 'lai', 'tas', 'arī', 'bet', 'vai', 'to', 'gan', 'ne', 'bija', 'kā', 'pie', 'tā', 'līdz', 'pēc', 'tikai', 'vēl', 'jau', 'var', 'būt', 'tie', 'viņš', 'kur', 'nav', 'savu', 'tad', 'kad'],
  lt: ['ir', 'kad', 'į', 'su', 'o', 'iš', 'ne', 'yra', 'tai', 'bet', 'kaip', 'jo', 'už', 'buvo', 'taip', 'apie', 'dėl', 'jau', 'ar', 'per', 'nuo', 'bus', 'tik', 'ant', 'kuris', 'kurie', 'jis', 'ji', 'iki', 'tačiau', 'arba', 'prie', 'po', 'savo'],
  mt: ['il', 'li', 'ta', 'u', 'fil', 'tal', 'għal', 'mill', 'minn', 'ma', 'dan', 'din', 'huwa', 'hija', 'jew', 'bħala', 'kif', 'biex', 'fuq', 'wara', 'lil', 'ukoll', 'dawn', 'kien', 'kienet', 'sabiex', 'ġew', 'mal', 'bil', 'lill', 'iżda', 'jekk', 'kull', 'hemm'],
  pl: ['i', 'w', 'na', 'z', 'się', 'nie', 'do', 'to', 'że', 'o', 'jest', 'a', 'jak', 'po', 'co', 'tak', 'za', 'od', 'ale', 'przez', 'dla', 'są', 'oraz', 'lub', 'czy', 'jego', 'który', 'która', 'które', 'ich', 'być', 'może', 'przy', 'tylko'],
  pt: ['de', 'a', 'o', 'que', 'e', 'do', 'da', 'em', 'um', 'para', 'é', 'com', 'não', 'uma', 'os', 'no', 'se', 'na', 'por', 'mais', 'as', 'dos', 'como', 'mas', 'ao', 'ele', 'das', 'à', 'seu', 'sua', 'ou', 'quando', 'muito', 'nos'],
  ro: ['și', 'în', 'de', 'la', 'a', 'cu', 'pe', 'nu', 'care', 'din', 'că', 'se', 'este', 'o', 'un', 'mai', 'au', 'pentru', 'sau', 'sunt', 'ca', 'al', 'lui', 'ei', 'fost', 'dar', 'după', 'fi', 'va', 'prin', 'ce', 'acest', 'această', 'şi', 'în'],
  sk: ['a', 'sa', 'v', 'na', 'je', 'že', 'to', 's', 'z', 'do', 'o', 'k', 'i', 'ako', 'pre', 'by', 'vo', 'ale', 'ktorý', 'ktorá', 'ktoré', 'sú', 'bude', 'som', 'nie', 'tak', 'po', 'pri', 'alebo', 'od', 'jeho', 'tento', 'aj', 'byť'],
  sl: ['in', 'je', 'v', 'na', 'se', 'da', 'za', 'so', 'z', 's', 'ki', 'pa', 'ne', 'bi', 'o', 'tudi', 'kot', 'ali', 'do', 'po', 'pri', 'iz', 'to', 'ta', 'bo', 'še', 'lahko', 'sem', 'smo', 'biti', 'ter', 'kar', 'samo', 'jih'],
  es: ['de', 'la', 'que', 'el', 'en', 'y', 'a', 'los', 'del', 'se', 'las', 'por', 'un', 'para', 'con', 'no', 'una', 'su', 'al', 'es', 'lo', 'como', 'más', 'pero', 'sus', 'le', 'ya', 'o', 'este', 'ha', 'fue', 'entre', 'sobre', 'también'],
  sv: ['och', 'i', 'att', 'det', 'som', 'en', 'på', 'är', 'av', 'för', 'med', 'till', 'den', 'har', 'de', 'inte', 'om', 'ett', 'han', 'men', 'var', 'jag', 'sig', 'från', 'vi', 'så', 'kan', 'man', 'när', 'år', 'eller', 'ska', 'också', 'efter'],
  sq: ['e', 'të', 'në', 'dhe', 'i', 'me', 'për', 'që', 'nga', 'një', 'është', 'se', 'u', 'nuk', 'do', 'më', 'si', 'por', 'ka', 'janë', 'ishte', 'edhe', 'kjo', 'ky', 'tyre', 'saj', 'tij', 'mund', 'ose', 'pas', 'deri', 'kanë', 'duhet', 'shumë'],
  uk: ['і', 'в', 'на', 'з', 'що', 'не', 'до', 'й', 'у', 'та', 'за', 'як', 'це', 'від', 'а', 'по', 'але', 'його', 'для', 'є', 'він', 'вона', 'про', 'або', 'так', 'був', 'які', 'який', 'яка', 'також', 'бути', 'ми', 'ще', 'лише'],
  sr: ['и', 'у', 'је', 'на', 'се', 'да', 'за', 'од', 'су', 'а', 'који', 'не', 'са', 'о', 'као', 'што', 'или', 'до', 'би', 'ће', 'из', 'то', 'али', 'i', 'u', 'je', 'na', 'se', 'da', 'za', 'od', 'su', 'a', 'koji', 'ne', 'sa', 'o', 'kao', 'što', 'ili', 'do', 'bi', 'će', 'iz', 'to', 'ali'],
  bs: ['i', 'u', 'je', 'na', 'se', 'da', 'za', 'od', 'su', 'a', 'koji', 'ne', 'sa', 's', 'o', 'kao', 'što', 'ili', 'do', 'bi', 'će', 'iz', 'to', 'ali', 'и', 'у', 'је', 'на', 'се', 'да', 'за', 'од', 'су', 'који', 'не', 'са', 'као', 'што', 'или'],
  mk: ['и', 'во', 'на', 'се', 'да', 'е', 'за', 'од', 'не', 'со', 'ја', 'ги', 'го', 'што', 'кои', 'кој', 'која', 'тоа', 'ќе', 'но', 'како', 'или', 'до', 'а', 'по', 'му', 'беше', 'се', 'има', 'биде', 'само', 'уште', 'сите', 'при'],
  cnr: ['i', 'u', 'je', 'na', 'se', 'da', 'za', 'od', 'su', 'a', 'koji', 'ne', 'sa', 'o', 'kao', 'što', 'ili', 'do', 'bi', 'će', 'iz', 'to', 'ali', 'đe', 'и', 'у', 'је', 'на', 'се', 'да', 'за', 'од', 'су', 'који', 'не', 'са', 'као', 'што', 'или'],
  ka: ['და', 'რომ', 'არ', 'ეს', 'ის', 'იყო', 'არის', 'მაგრამ', 'ან', 'როგორც', 'კი', 'უნდა', 'ასევე', 'თუ', 'მისი', 'ამ', 'იმ', 'მე', 'ჩვენ', 'მათ', 'რა', 'როდესაც', 'ყველა', 'უკვე', 'კიდევ', 'შემდეგ', 'მიერ', 'ერთი', 'ძალიან', 'ყოველ', 'რომელიც', 'ვერ', 'აქვს', 'თავისი'],
  tr: ['ve', 'bir', 'bu', 'da', 'de', 'için', 'ile', 'olarak', 'çok', 'daha', 'gibi', 'en', 'o', 'ne', 'ama', 'olan', 'kadar', 'sonra', 'her', 'mi', 'ya', 'veya', 'değil', 'var', 'yok', 'şey', 'ki', 'ise', 'göre', 'ancak', 'tüm', 'diye', 'olduğu', 'bunu'],
  no: ['og', 'i', 'er', 'det', 'som', 'en', 'til', 'på', 'av', 'for', 'med', 'at', 'den', 'har', 'ikke', 'de', 'et', 'om', 'var', 'men', 'jeg', 'han', 'seg', 'fra', 'vi', 'kan', 'så', 'skal', 'også', 'etter', 'eller', 'vil', 'ble', 'sin'],
  nn: ['og', 'i', 'er', 'det', 'som', 'ein', 'eit', 'til', 'på', 'av', 'for', 'med', 'at', 'den', 'har', 'ikkje', 'dei', 'om', 'var', 'men', 'eg', 'han', 'seg', 'frå', 'vi', 'kan', 'så', 'skal', 'også', 'etter', 'eller', 'vil', 'vart', 'sin'],
  is: ['og', 'í', 'að', 'á', 'er', 'sem', 'til', 'um', 'við', 'með', 'var', 'en', 'ekki', 'af', 'það', 'hann', 'sig', 'eru', 'fyrir', 'eða', 'frá', 'hún', 'þá', 'þeir', 'hafa', 'þess', 'sé', 'verið', 'eftir', 'þegar', 'einnig', 'hefur', 'þar', 'skal'],
  ca: ['de', 'la', 'i', 'el', 'a', 'que', 'en', 'les', 'els', 'per', 'del', 'un', 'una', 'amb', 'no', 'es', 'al', 'és', 'va', 'com', 'més', 'dels', 'però', 'o', 'ha', 'seu', 'seva', 'també', 'aquest', 'aquesta', 'hi', 'ser', 'han', 'ja'],
  eu: ['eta', 'da', 'ez', 'du', 'bat', 'ere', 'dira', 'zen', 'baina', 'izan', 'edo', 'hau', 'hori', 'ditu', 'zuen', 'dute', 'dela', 'bere', 'baino', 'beste', 'egin', 'behar', 'gero', 'oso', 'dago', 'zituen', 'nahi', 'hala', 'ziren', 'arteko', 'bezala', 'guztiak', 'zer', 'non'],
  gl: ['de', 'a', 'o', 'e', 'que', 'do', 'da', 'en', 'un', 'unha', 'para', 'é', 'con', 'non', 'os', 'no', 'se', 'na', 'por', 'máis', 'as', 'dos', 'das', 'como', 'pero', 'ao', 'súa', 'seu', 'ou', 'foi', 'tamén', 'xa', 'cando', 'entre'],
  lb: ['an', 'den', 'der', 'de', 'd', 'a', 'vun', 'ass', 'mat', 'fir', 'op', 'ze', 'dat', 'net', 'och', 'sech', 'sinn', 'gëtt', 'hun', 'huet', 'eng', 'en', 'ee', 'dës', 'déi', 'als', 'wéi', 'oder', 'mä', 'iwwer', 'bei', 'no', 'hir', 'säi'],
};

const sets = new Map<string, ReadonlySet<string>>();
/** The stop-word set of a registry language (empty for unknown codes and `und`). */
export function stopWordSet(lang: string): ReadonlySet<string> {
  let s = sets.get(lang);
  if (!s) {
    s = new Set((STOP_WORDS[lang] ?? []).map((w) => w.normalize('NFC')));
    sets.set(lang, s);
  }
  return s;
}

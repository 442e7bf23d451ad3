"""Screen free text for language that may signal a crisis; no Django imports.

Screening only adds: a match raises a flag, with its categories, that the therapist sees first.
It never blocks, delays or answers anything, and no text is ever called safe, only "not flagged".
Negation is not read ("I'm not suicidal" flags), because a denial is often how it is first said.

The command line prints the categories of each line of a UTF-8 file, in the order of CATEGORIES,
separated by commas, or "-" when a line is not flagged:

    python -m confide.clients.screening FILE      # FILE "-" reads standard input
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import unicodedata
from collections.abc import Iterable

# The order is fixed: the command line prints categories in it, and the office lists them in it.
CATEGORIES: tuple[str, ...] = (
    "ideation",
    "plan",
    "means",
    "farewell",
    "self-harm",
    "hopelessness",
    "violence",
)

# The words the therapist reads in the office; the person who wrote never sees them.
LABELS: dict[str, str] = {
    "ideation": "Thoughts of dying or of suicide",
    "plan": "A plan or an intent to act",
    "means": "A way to do it at hand",
    "farewell": "Saying goodbye, putting things in order",
    "self-harm": "Hurting themselves",
    "hopelessness": "Hopelessness, feeling a burden",
    "violence": "Harm from or to another person",
}

# Broad on purpose: a false flag costs the therapist a glance, a missed one may cost much more.
# Patterns run on normalised text (see _normalise): lower case, straight apostrophes, no accents,
# single spaces, no letter repeated more than twice. "I" is written "i".
_ME = r"(?:my\s*self|myself|my\s*slef|mysef|meself|mself|my\s*sel)(?![a-z])"
_KILL = r"k+[i*]*l+"  # kill, kil, kll, k*ll
_SUICIDE = r"s+[uo*]*[aei]?[cs]+[iy]+d"  # suicide, sucide, suiside, suicidal, s*icide
_DIE = (
    r"(?:d+i+e+(?![a-z])|dy+ing|be\s+dead|not\s+be\s+here|not\s+exist"
    r"|disappear\s+(?:forever|for\s+good))"
)
_WANT = (
    r"(?:want|wnat|wamt|wanna|wan|wana|need|going|gonna|gona|ready|trying|tryna"
    r"|plan(?:s|ning|ned)?|would\s+like)"
)
_NOT = r"(?:don'?t|dont|do\s+not|didn'?t|can'?t|cannot|no\s+longer|never)"
_I_WILL = (
    r"(?:i'?m\s+going\s+to|i'?m\s+gonna|i\s+am\s+going\s+to|i'?ll|i\s+will|im\s+going\s+to"
    r"|i'?ve\s+decided\s+to|i\s+decided\s+to|i'?m\s+ready\s+to|i'?m\s+about\s+to|planning\s+to"
    r"|plan\s+to|i\s+intend\s+to|going\s+to|gonna)"
)
_ACT = (
    rf"(?:{_KILL}\s*{_ME}|end\s+(?:it|my\s+life|everything|things)|take\s+my\s+(?:own\s+)?life(?!\s+back)"
    rf"|hang\s+{_ME}|shoot\s+{_ME}|overdose|od\b|jump\s+(?:off|from|in\s+front)|un-?alive|die\b|{_SUICIDE})"
)
_PILLS = (
    r"(?:sleeping\s+pills|pills|meds|medications?|tablets|painkillers|antidepressants|tylenol"
    r"|xanax|insulin|prescriptions?)"
)
_PARTNER = (
    r"(?:he|she|they|partner|husband|wife|boyfriend|girlfriend|bf|gf|ex|fiance|fiancee|dad"
    r"|father|mom|mother|stepdad|stepfather|stepmom|brother|sister|son|roommate|landlord)"
)
_OTHERS = (
    r"(?:him|her|them|someone|somebody|people|everyone|my\s+(?:husband|wife|partner|boss|dad"
    r"|father|mom|mother|brother|sister|ex|boyfriend|girlfriend|baby|kids?|children|son"
    r"|daughter|roommate|neighbou?r|coworker|co-worker))"
)

_PATTERNS: dict[str, tuple[str, ...]] = {
    "ideation": (
        rf"\b{_KILL}(?:ing|ed|s)?\s*{_ME}",
        rf"\b{_SUICIDE}",
        r"\bkms\b",
        r"\bun-?\s?alive",
        r"\bsewer\s?slide",
        r"\bself[\s-]?delet",
        r"\bend(?:ing|ed)?\s+(?:it\s+all|my\s+(?:own\s+)?life|everything|my\s+existence)\b",
        r"\b(?:just|want\s+to|wanna|going\s+to|gonna|should|could|will|to)\s+end\s+it\b(?!\s+with\b)",
        r"\b(?:think\w*|thought)\s+(?:about|of)\s+(?:ending|death\b|dying|being\s+dead|not\s+being\s+here|not\s+existing)",
        r"\btak(?:e|ing)\s+my\s+(?:own\s+)?life\b(?!\s+back)",
        r"\bput\s+me\s+out\s+of\s+my\s+misery",
        rf"\b{_WANT}\s*(?:to|2)?\s*{_DIE}",
        rf"\b{_NOT}\s+(?:want|wanna|wnat)\s+(?:to\s+|2\s+)?(?:live|be\s+alive|be\s+here|exist|wake\s+up|go\s+on|be\s+around)",
        r"\b(?:wish|hope)\s+i\s+(?:was|were|'d\s+be|could\s+be|would\s+be)?\s*(?:dead|gone|never\s+born|not\s+born|not\s+alive|asleep\s+forever)",
        r"\bwish\s+i(?:\s+had|'d)\s+never\s+been\s+born",
        r"\b(?:wish|hope)\s+i\s+(?:would|could|will)?\s*(?:die|not\s+wake\s+up|don'?t\s+wake\s+up|won'?t\s+wake\s+up|never\s+wake\s+up|didn'?t\s+wake\s+up|stop\s+existing|disappear\s+(?:forever|for\s+good))",
        r"\b(?:go\s+to\s+sleep|fall\s+asleep|sleep)\s+(?:and\s+)?(?:never|not)\s+wake\s+up",
        r"\bsleep\s+forever\b",
        r"\bbetter\s+off\s+(?:dead|without\s+me|if\s+i\s+(?:was|were|wasn'?t|weren'?t|died|was\s+gone|were\s+gone))",
        r"\b(?:tired|sick)\s+of\s+(?:living|being\s+alive|life|existing)\b",
        r"\bdone\s+with\s+(?:life|living|being\s+alive)\b",
        r"\blife\s+(?:is\s+not|isn'?t|is\s+no\s+longer|isnt|ain'?t)\s+worth\s+(?:living|it)\b",
        r"\b(?:no\s*one|nobody)\s+(?:would|will)\s+(?:miss\s+me|notice\s+if\s+i|care\s+if\s+i)",
        r"\b(?:wouldn'?t|won'?t|don'?t)\s+(?:mind|care)\s+if\s+i\s+(?:died|was\s+dead|were\s+dead|didn'?t\s+wake|never\s+woke|got\s+hit|was\s+gone)",
        r"\bhope\s+(?:a|the|some)\s+(?:car|bus|truck|train)\s+(?:hits|runs\s+over|will\s+hit)\s+me",
        r"\b(?:want|wanted|wanting|urge)\s+to\s+(?:step|walk|run|jump)\s+in(?:to)?\s+(?:front\s+of\s+)?(?:traffic|a\s+train|the\s+train)",
        r"\b(?:want|wanted)\s+to\s+stop\s+existing\b",
        r"\b(?:quiero|voy\s+a)\s+morir|\bmorirme\b|\bmatarme\b|\bno\s+quiero\s+vivir",
    ),
    "plan": (
        rf"\b{_I_WILL}\s+{_ACT}",
        r"\b(?:have|got|made|making|make|had)\s+a\s+plan\b.{0,60}?\b(?:die|dying|kill|end\s+it|end\s+my|suicide|do\s+it|overdose|jump|hang|pills)",
        r"\b(?:die|dying|kill\w*\s+myself|suicide|end\s+it|end\s+my\s+life|overdose|pills).{0,60}?\b(?:have|got|made|making|had)\s+a\s+plan\b",
        r"\b(?:know|figured\s+out|worked\s+out|decided|planned|researched|looked\s+up|googled|searched)\s+(?:exactly\s+)?(?:how|when|where)\s+(?:i'?d|i\s+would|i'?ll|i\s+will|i'?m\s+going\s+to|to)\s+(?:do\s+it|die|kill|end\s+it|end\s+my|overdose|jump|hang)",
        r"\b(?:looked\s+up|googled|searched|researched)\s+(?:how\s+many|how\s+much|ways\s+to|the\s+best\s+way\s+to|painless\s+ways)",
        r"\btonight\s+(?:is|'s)\s+the\s+night\b",
        r"\b(?:picked|chose|set|decided\s+on)\s+(?:a|the)\s+(?:date|day|place|spot|time)\s+(?:to\s+(?:do\s+it|die|end\s+it|kill)|for\s+(?:it|when\s+i))",
        r"\b(?:it\s+will\s+be|it'?ll\s+be)\s+over\s+(?:soon|tonight|tomorrow|by)",
        r"\bthis\s+is\s+my\s+last\s+(?:night|day|week)\b",
    ),
    "means": (
        rf"\b(?:sav|stockpil|hoard|collect|stash|gather|sav)\w*\s+(?:up\s+)?(?:my\s+|the\s+|all\s+|some\s+)?{_PILLS}",
        rf"\b{_PILLS}\s+(?:i'?ve\s+|i\s+have\s+)?(?:saved|stockpiled|hoarded|collected|stashed|put\s+aside)",
        rf"\b(?:enough|whole\s+bottle\s+of|bottle\s+of|all\s+(?:my|the|of\s+my))\s+{_PILLS}\b(?!\s+(?:to\s+last|for\s+the\s+(?:trip|week|month)))",
        r"\b(?:take|swallow|took|swallowed|taking)\s+(?:them\s+)?all\s+(?:at\s+once|of\s+them|my\s+pills|the\s+pills)",
        rf"\bhow\s+many\s+{_PILLS}\b",
        r"\bover\s?dos(?:e|ing|ed)\b|\bover\s?doze\b",
        r"\b(?:take|took|taking|do|gonna|going\s+to|might)\s+(?:an?\s+)?od\b",
        r"\b(?:bought|buy|buying|got|have|has|own|get|getting|found|keep|kept|loaded|there'?s)\s+(?:a\s+|my\s+|his\s+|her\s+|the\s+|dad'?s\s+|a\s+loaded\s+)?(?:gun|pistol|handgun|rifle|shotgun|firearm|noose|rope\s+to)\b",
        r"\bgun\s+(?:in\s+the\s+house|at\s+home|in\s+my\s+(?:drawer|car|room|closet))",
        r"\b(?:tied|tie|tying|made|make|making)\s+a\s+noose\b|\bnoose\b",
        rf"\bhang(?:ing)?\s+{_ME}",
        rf"\bshoot(?:ing)?\s+{_ME}|\bblow\s+my\s+(?:brains|head)\s+(?:out|off)",
        r"\b(?:jump|jumping|jumped)\s+(?:off|from|in\s+front\s+of)\s+(?:a|the|my|our|this)?\s*(?:bridge|roof|building|balcony|cliff|train|subway|platform|tracks|overpass|window)",
        r"\b(?:in\s+front\s+of|under)\s+(?:a|the)\s+(?:train|subway|bus|truck)",
        r"\b(?:razor|razors|razor\s+blades?|blades?)\s+(?:hidden|hid|saved|in\s+my\s+(?:room|drawer|bag))",
        r"\b(?:hid|hidden|hiding|keep|kept|bought)\s+(?:a\s+|the\s+|some\s+)?(?:razor|razors|razor\s+blades?|blades?)\b",
        r"\bcarbon\s+monoxide\b|\bexhaust\s+(?:pipe|fumes)\b",
        r"\b(?:drive|crash|driving|crashing|steer)\s+(?:my\s+car\s+)?(?:into|off)\s+(?:a|the)\s+(?:wall|tree|bridge|cliff|river|oncoming|truck|pole)",
        r"\bcrash\s+(?:my\s+car|the\s+car)\s+on\s+purpose",
        r"\bwrists?\b.{0,20}\b(?:slit|cut|open)|\b(?:slit|cut|slash)\w*\s+(?:my\s+)?wrists?",
    ),
    "farewell": (
        r"\b(?:suicide|goodbye|good-bye|farewell|last)\s+(?:letter|note|letters|notes|message|messages|video|post)\b(?!\s+(?:to|for)\s+(?:my\s+)?(?:team|co-?workers|colleagues|class|job|office))",
        r"\b(?:wrote|writing|written|write)\s+(?:letters|notes|a\s+letter|a\s+note)\s+(?:to|for)\s+(?:everyone|my\s+(?:family|kids|children|mom|dad|mother|father|sister|brother|wife|husband|partner|parents|friends))\b",
        r"\b(?:giving|gave|give|given)\s+away\s+(?:all\s+)?(?:of\s+)?my\s+(?:things|stuff|belongings|possessions|cat|dog|pets?|guitar|books|jewelry|savings|everything)",
        r"\bthis\s+is\s+(?:goodbye|my\s+goodbye|the\s+end\s+for\s+me|my\s+last\s+message)\b",
        r"\bby\s+the\s+time\s+(?:you|anyone|someone)\s+(?:read|reads|get|gets|see|sees|find|finds)\s+this",
        r"\b(?:won'?t|will\s+not|wont)\s+be\s+(?:here|around|alive)\s+(?:much\s+longer|for\s+(?:much\s+)?long|anymore|any\s+more|next\s+(?:week|time|month)|by|tomorrow|for\s+(?:the|our|my)\s+(?:next|appointment|session))",
        r"\b(?:when|after|once)\s+i'?m\s+(?:gone|dead|not\s+here|no\s+longer\s+here)\b",
        r"\b(?:when|after|once)\s+i\s+am\s+(?:gone|dead)\b",
        r"\b(?:put|putting|get|getting|got|have)\s+(?:all\s+)?my\s+affairs\s+in\s+order\b",
        r"\b(?:said|saying|say)\s+(?:my\s+)?goodbyes?\s+to\s+(?:everyone|everybody|my\s+(?:family|kids|friends|mom|dad|parents|sister|brother))",
        r"\btell\s+(?:my\s+)?(?:kids|children|family|mom|dad|mother|father|sister|brother|wife|husband|partner|parents|everyone)\s+(?:that\s+)?i\s+(?:love|loved|am\s+sorry|'m\s+sorry)",
        r"\b(?:take|taking)\s+care\s+of\s+my\s+(?:cat|dog|kids|children|pets?|plants)\s+(?:for\s+me\s+)?(?:when|after|once)\b",
        r"\b(?:made|making|wrote|writing|updated|updating)\s+(?:out\s+)?(?:my|a)\s+will\b.{0,40}\b(?:just\s+in\s+case|before|for\s+when|goodbye|soon)",
        r"\b(?:thank\s+you|thanks)\s+for\s+everything[.,!\s]+(?:goodbye|good\s+bye|bye|farewell)\b",
        r"\bi'?m\s+sorry\s+for\s+everything[.,!\s]+(?:goodbye|good\s+bye|bye|farewell)\b",
        r"\bgoodbye\s+(?:forever|everyone|world)\b",
    ),
    "self-harm": (
        rf"\b(?:hurt|hurting|harm|harming|harmed|cut|cutting|cuttin|cuting|burn|burning|burned|burnt"
        rf"|scratch|scratching|scratched|hit|hitting|punch|punching|punched|starve|starving|starved"
        rf"|injure|injuring|injured|bruise|bruising|bite|biting|carve|carving|carved|mutilate\w*"
        rf"|punish|punishing|punished)\s+{_ME}"
        r"(?!\s+(?:at\s+the\s+gym|at\s+work|shaving|cooking|playing|lifting|running|skiing|"
        r"while|chopping|slicing|on\s+(?!purpose)|by\s+accident|accidentally|in\s+the\s+kitchen|"
        r"for\s+(?:lunch|dinner|breakfast)|to\s+(?:a|the)\s+(?:movies|concert)|a\s+(?:slice|piece)))",
        r"\bself[\s-]*(?:harm|harming|injur|mutilat|hurt|destruct)",
        r"\bselfharm",
        r"\b(?:cut|cutting|slash|slashing|slashed|burn|burning|burned|carve|carving|carved)\s+(?:on\s+)?my\s+(?:arms?|wrists?|thighs?|legs?|skin|stomach|hips?)\b",
        r"\b(?:started|start|starting|back\s+to|relapsed\s+(?:into|on)?|stopped|urges?\s+to|urge\s+to\s+start)\s+cutting\b",
        r"\bcutting\s+again\b|\bcut\s+again\b(?!\s+(?:my|the|his|her)\s+hair)",
        r"\b(?:relapsed|relapse)\b.{0,20}\b(?:cutting|self)",
        r"\b(?:hit|hitting|bang|banging|bash|bashing)\s+my\s+head\s+(?:against|on|into)\s+the\s+(?:wall|floor|door)\s+until",
        r"\bscratch\w*\s+(?:my\s+skin\s+)?until\s+(?:i|it)\s+bleed",
        r"\b(?:make|made|making)\s+myself\s+bleed\b",
        r"\bscars?\s+(?:on|from|across)\s+my\s+(?:arms?|wrists?|thighs?|legs?)\s+(?:from\s+)?(?:cutting|where\s+i|that\s+i)",
    ),
    "hopelessness": (
        r"\bhope?less(?:ness)?\b",
        r"\bno\s+(?:point|reason|use|sense)\s+(?:in\s+)?(?:to\s+)?(?:living|livin|live|going\s+on|go\s+on|being\s+alive|being\s+here|carrying\s+on|trying\s+any\s*more|anything\s+any\s*more|life)\b",
        r"\b(?:what'?s|whats|what\s+is)\s+the\s+point\s+(?:of\s+)?(?:living|life|anything|going\s+on|being\s+alive|of\s+it\s+all|in\s+living|any\s*more)",
        r"\bnothing\s+(?:left\s+)?to\s+live\s+for\b",
        r"\bnothing\s+(?:will\s+)?(?:ever\s+)?(?:gets?|get|going\s+to\s+get|is\s+going\s+to\s+get|will\s+get)\s+better\b",
        r"\b(?:it'?s|it\s+is|things\s+are|it'?ll|it\s+will|things\s+will)\s+never\s+(?:going\s+to\s+)?(?:get|be|gets)\s+(?:any\s+)?better\b",
        r"\bnever\s+going\s+to\s+get\s+better\b",
        r"\b(?:can'?t|cannot|cant|can\s+not)\s+(?:go\s+on|keep\s+going|carry\s+on|take\s+it|take\s+this|do\s+this|live\s+like\s+this|keep\s+doing\s+this)\s*(?:any\s*more|any\s+longer|much\s+longer|like\s+this)",
        r"\b(?:can'?t|cannot|cant)\s+go\s+on\b",
        r"\bno\s+way\s+out\b(?!\s+of\s+(?:the|my|this|our)\s+(?:lease|contract|meeting|parking|building|deal))",
        r"\b(?:no|any)\s+future\s+for\s+me\b|\bi\s+have\s+no\s+future\b|\bthere'?s\s+no\s+future\b",
        r"\b(?:i'?m|i\s+am|im|feel\s+like|being|just)\s+(?:such\s+|only\s+|nothing\s+but\s+)?a\s+burden\b(?![-\w])",
        r"\bburden\s+(?:to|on)\s+(?:everyone|everybody|my\s+(?:family|kids|wife|husband|partner|friends|parents))",
        r"\b(?:given|giving|give|gave)\s+up\s+on\s+(?:life|living|everything|myself|ever\s+feeling|getting\s+better)\b",
        r"\bno\s+hope\s+(?:left|at\s+all|any\s*more)\b",
        r"\b(?:i\s+have|there'?s|there\s+is|i\s+see|i\s+feel|with)\s+no\s+hope\b(?!\s+of\s+getting)",
        r"\b(?:trapped|stuck)\s+(?:forever|with\s+no\s+way\s+out|and\s+(?:there'?s\s+)?no\s+way\s+out)",
        r"\bi\s+(?:don'?t|do\s+not)\s+see\s+(?:a|any)\s+(?:way\s+out|future|point)\b",
        r"\bi\s+(?:ruin|destroy)\s+everything\b.{0,40}\b(?:gone|better\s+off|burden)",
    ),
    "violence": (
        rf"\b{_PARTNER}\s+(?:\w+\s+){{0,3}}(?:threaten\w*|said|says|swore|promised|told\s+me)\s+(?:\w+\s+){{0,2}}(?:kill|hurt|beat|shoot|stab|strangle|choke)\w*\s+(?:me|us|the\s+kids|my)",
        rf"\b{_PARTNER}\s+(?:will|would|is\s+going\s+to|'s\s+going\s+to|is\s+gonna|might|could|wants?\s+to|'ll)\s+(?:\w+\s+)?(?:kill|hurt|beat|shoot|stab|strangle|choke)\w*\s+(?:me|us|the\s+kids|my)",
        r"\b(?:he|she|they)(?:'d|'ll|\s+would|\s+will)\s+(?:really\s+|actually\s+)?(?:kill|hurt|beat|shoot|stab|strangle|choke)\w*\s+me\b",
        r"\bthreaten\w*\s+(?:to\s+)?(?:kill|hurt|beat|shoot|stab)\w*\s+(?:me|us|the\s+kids|my|himself|herself)",
        rf"\b{_PARTNER}\s+(?:\w+\s+){{0,2}}(?:hits|hit|beats|beat|chokes|choked|choking|strangles|strangled|slaps|slapped|punches|punched|kicks|kicked|shoves|shoved|pushed|pushes|rapes|raped|forces|forced|hurts|hurt|abuses|abused|assaulted|attacked|grabbed)\s+me\b",
        r"\b(?:is|are|has\s+been|keeps|kept|started|been)\s+(?:hitting|beating|choking|strangling|hurting|abusing|raping|threatening|stalking|following)\s+me\b",
        r"\b(?:afraid|scared|terrified|in\s+fear|fear)\s+(?:for|of\s+losing)\s+my\s+life\b",
        r"\b(?:afraid|scared|terrified)\s+(?:he|she|they)\s*(?:'ll|will|is\s+going\s+to|might|would)\s+(?:\w+\s+)?(?:kill|hurt|find|beat|come\s+after)",
        r"\b(?:not|don'?t\s+feel|never\s+feel|no\s+longer)\s+safe\s+(?:at\s+home|in\s+my\s+(?:own\s+)?(?:home|house|apartment)|with\s+(?:him|her|them|my)|where\s+i\s+(?:am|live)|around\s+(?:him|her|them))",
        r"\b(?:hands|hand)\s+(?:around|on)\s+my\s+(?:neck|throat)\b",
        rf"\b(?:want|wanted|wanting|going|gonna|urge|urges|tempted|could|might|will|'ll|thoughts?\s+(?:of|about)|think\s+about|fantasi[sz]e\s+about|afraid\s+i'?ll|scared\s+i'?ll|afraid\s+i\s+might|scared\s+i\s+might)\s+(?:to\s+)?(?:really\s+)?(?:{_KILL}|kiling|killing|hurting|hurt|harm|harming|stab|stabbing|shoot|shooting|strangle|strangling|smother|smothering|beat|beating|poison|poisoning)\s+(?:up\s+)?{_OTHERS}\b(?!'?s?\s+feelings)",
        r"\b(?:kill|shoot|stab|hurt)\s+(?:them\s+)?all\b|\bshoot\s+up\s+(?:the|my|a)\b",
        r"\b(?:get|got|getting)\s+(?:back\s+at|revenge\s+on)\s+(?:him|her|them)\b.{0,30}\b(?:hurt|kill|pay|blood)",
        r"\b(?:shake|shook|shaking)\s+(?:the|my)\s+baby\b",
        r"\bhurt\s+(?:the|my|our)\s+(?:kids|children|baby|son|daughter)\b(?!'?s?\s+feelings)",
        r"\bkidnap\w*\s+(?:me|the\s+kids|my)|\b(?:take|took)\s+the\s+kids\s+and\s+(?:kill|hurt)",
    ),
}

_COMPILED: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (category, re.compile("|".join(f"(?:{p})" for p in _PATTERNS[category])))
    for category in CATEGORIES
)

# Normalising steps, compiled once.
_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u02bc": "'",
        "\u00b4": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u00ad": None,  # a soft hyphen hides inside a word
        "\u200b": None,
        "\u200c": None,
        "\u200d": None,
        "\u2060": None,
        "\ufeff": None,
    }
)
_LEET = {"1": "i", "!": "i", "|": "i", "3": "e", "0": "o", "4": "a", "@": "a", "$": "s", "5": "s"}
_LEET_INSIDE = re.compile(r"(?<=[a-z])[1!|3045@$]+(?=[a-z])|(?<=\s)[@$](?=[a-z])")
_MASK_INSIDE = re.compile(r"(?<=[a-z])[*#.\-_~]+(?=[a-z])")
_REPEATS = re.compile(r"([a-z])\1{2,}")
_SPACES = re.compile(r"\s+")
# Three or more single letters in a row, spaced or dotted: "k m s", "s.u.i.c.i.d.e".
_SPELLED_OUT = re.compile(r"(?<![a-z'])(?:[a-z][\s.*\-_]+){2,}[a-z](?![a-z'])")
_SPELLED_GAPS = re.compile(r"[\s.*\-_]+")


def _normalise(text: str) -> str:
    """Return the text as the patterns expect it: one form for the many ways it is typed."""
    text = unicodedata.normalize("NFKD", text.translate(_QUOTES))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _LEET_INSIDE.sub(lambda m: "".join(_LEET[c] for c in m.group()), text)
    text = _REPEATS.sub(r"\1\1", text)
    return _SPACES.sub(" ", text)


def _respelled(text: str) -> str:
    """Return normalised text with spelled-out and masked words joined, or "" when none are."""
    joined = _SPELLED_OUT.sub(lambda m: _SPELLED_GAPS.sub("", m.group()), text)
    joined = _MASK_INSIDE.sub("", joined)
    return joined if joined != text else ""


def _screen_one(text: str) -> set[str]:
    normal = _normalise(text)
    forms = [normal]
    respelled = _respelled(normal)
    if respelled:
        forms.append(respelled)
    return {category for category, rx in _COMPILED for form in forms if rx.search(form)}


def flagged_categories(*texts: str) -> tuple[str, ...]:
    """Return the categories any of the texts flags, in the order of CATEGORIES; () when none."""
    found: set[str] = set()
    for text in texts:
        if text:
            found |= _screen_one(text)
    return tuple(c for c in CATEGORIES if c in found)


def needs_attention(*texts: str) -> bool:
    """Return True when any of the texts contains language that may signal a crisis."""
    return bool(flagged_categories(*texts))


def labels_of(categories: Iterable[str]) -> list[str]:
    """Return the therapist's words for categories, in the order of CATEGORIES."""
    wanted = set(categories)
    return [LABELS[c] for c in CATEGORIES if c in wanted]


def pattern_sources() -> tuple[str, ...]:
    """Return every pattern as written, for tests that check none reaches a page."""
    return tuple(p for category in CATEGORIES for p in _PATTERNS[category])


def screen_lines(lines: Iterable[str]) -> Iterable[str]:
    """Yield, for each line, its categories joined by commas, or "-" when it is not flagged."""
    for line in lines:
        yield ",".join(flagged_categories(line)) or "-"


def _read_lines(path: str) -> list[str]:
    data = sys.stdin.buffer.read() if path == "-" else open(path, "rb").read()  # noqa: SIM115
    text = data.decode("utf-8-sig", errors="replace")
    if not text:
        return []
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()  # the file's last newline ends a line; it does not start one
    return [line.removesuffix("\r") for line in lines]


def main(argv: list[str] | None = None) -> int:
    """Print one line of categories, or "-", for each line of the file."""
    parser = argparse.ArgumentParser(
        prog="python -m confide.clients.screening",
        description=(
            "For each line of a UTF-8 file, print the crisis categories it flags, separated by "
            f"commas in the order {','.join(CATEGORIES)}, or '-' when it is not flagged."
        ),
    )
    parser.add_argument("file", help="a UTF-8 text file, one text a line ('-' for standard input)")
    args = parser.parse_args(argv)
    try:
        lines = _read_lines(args.file)
    except OSError as error:
        parser.exit(2, f"{parser.prog}: cannot read {args.file}: {error.strerror}\n")
    try:
        for result in screen_lines(lines):
            sys.stdout.write(result + "\n")
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader stopped early ("| head"): end quietly, as other command-line tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

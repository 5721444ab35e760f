/**
 * US and Canadian area codes (NANP) → the IANA time zone most of their
 * numbers are in, for quiet hours (47 CFR 64.1200(c)(1): solicitations only
 * 08:00–21:00 at the called party's location). An area code that straddles
 * a zone line gets the zone of most of its subscribers; mobile numbers move
 * with their owners anyway, so this is the carriers' and the FCC's usual
 * approximation. Checked against libphonenumber's time-zone map (2018) and
 * the NANPA assignments since (overlays up to 2025).
 *
 * Non-geographic codes (toll-free 8xx, 500, 900…) and codes outside the US
 * and Canada are absent: callers fall back to a configured default.
 *
 * @module
 */

const ZONES: Record<string, string> = {
  "America/New_York": [
    // CT DE DC
    "203 475 860 959 302 202 771",
    // FL
    "239 305 321 324 352 386 407 448 561 645 656 689 727 728 754 772 786",
    "813 850 863 904 941 954",
    // GA
    "229 404 470 478 678 706 762 770 912 943",
    // IN KY ME MD MA
    "260 317 463 574 765 812 930 502 606 859 207 227 240 301 410 443 667",
    "339 351 413 508 617 774 781 857 978",
    // MI NH NJ
    "231 248 269 313 517 586 616 679 734 810 906 947 989 603",
    "201 551 609 640 732 848 856 862 908 973",
    // NY
    "212 315 329 332 347 363 516 518 585 607 624 631 646 680 716 718 838",
    "845 914 917 929 934",
    // NC OH
    "252 336 472 704 743 828 910 919 980 984",
    "216 220 234 283 326 330 380 419 436 440 513 567 614 740 937",
    // PA RI SC TN(east) VT VA WV
    "215 223 267 272 412 445 484 570 582 610 717 724 814 835 878 401",
    "803 821 839 843 854 864 423 865 802",
    "276 434 540 571 686 703 757 804 826 948 304 681",
  ].join(" "),
  "America/Chicago": [
    // AL AR IL
    "205 251 256 334 483 659 938 327 479 501 870",
    "217 224 309 312 331 447 464 618 630 708 730 773 779 815 847 861 872",
    // IN(northwest) IA KS KY(west) LA MN MS MO
    "219 319 515 563 641 712 316 620 785 913 270 364 225 318 337 504 985",
    "218 320 507 612 651 763 924 952 228 601 662 769",
    "235 314 417 557 573 636 660 816 975",
    // NE ND OK SD TN(middle, west)
    "308 402 531 701 405 539 572 580 918 605 615 629 731 901 931",
    // TX
    "210 214 254 281 325 346 361 409 430 432 469 512 682 713 726 737 806",
    "817 830 832 903 936 940 945 956 972 979",
    // WI
    "262 274 414 534 608 715 920",
  ].join(" "),
  // CO MT NM UT WY, and El Paso TX
  "America/Denver": "303 719 720 970 983 406 505 575 385 435 801 307 915",
  // southern Idaho (most of 208/986) keeps Mountain time
  "America/Boise": "208 986",
  // Arizona: no daylight saving time
  "America/Phoenix": "480 520 602 623 928",
  "America/Los_Angeles": [
    // CA
    "209 213 279 310 323 341 350 369 408 415 424 442 510 530 559 562 619",
    "626 628 650 657 661 669 707 714 738 747 760 805 818 820 831 837 858",
    "909 916 925 949 951",
    // NV OR WA
    "702 725 775 458 503 541 971 206 253 360 425 509 564",
  ].join(" "),
  "America/Anchorage": "907",
  "Pacific/Honolulu": "808",
  "America/Puerto_Rico": "787 939",
  "America/St_Thomas": "340",
  "Pacific/Guam": "671",
  "Pacific/Saipan": "670",
  "Pacific/Pago_Pago": "684",
  // ON QC
  "America/Toronto": [
    "226 249 289 343 365 382 416 437 519 548 613 647 683 705 742 753 807",
    "905 942 263 354 367 418 438 450 468 514 579 581 819 873",
  ].join(" "),
  // MB
  "America/Winnipeg": "204 431 584",
  // SK: Central Standard Time all year
  "America/Regina": "306 474 639",
  // AB, and the territories' 867 (Yellowknife)
  "America/Edmonton": "368 403 587 780 825 867",
  // BC
  "America/Vancouver": "236 250 257 604 672 778",
  // NS PE NB
  "America/Halifax": "782 902 428 506",
  // NL
  "America/St_Johns": "709 879",
};

let byAreaCode: Map<string, string> | null = null;

/** The time zone of a US/CA area code ("212"), or undefined. */
export function zoneOfAreaCode(areaCode: string): string | undefined {
  if (!byAreaCode) {
    byAreaCode = new Map();
    for (const [zone, codes] of Object.entries(ZONES)) {
      for (const code of codes.split(/\s+/)) byAreaCode.set(code, zone);
    }
  }
  return byAreaCode.get(areaCode);
}

/** The time zone of a +1 number from its area code, or undefined. */
export function zoneOfNumber(e164: string): string | undefined {
  const m = /^\+1(\d{3})\d{7}$/.exec(e164);
  return m ? zoneOfAreaCode(m[1]) : undefined;
}

// i18n.js — every user-visible string of the viewer, in English and Chinese, and the
// helpers that format dates and numbers for the current language.

const KEY = 'folio.lang';

// A value is a string with {name} placeholders, or a function of the variables.
const STRINGS = {
  en: {
    langName: 'English',
    switchTo: 'Switch language to English',
    skip: 'Skip to content',
    navMain: 'Main',
    home: 'Home',
    archive: 'Archive',
    categories: 'Categories',
    tags: 'Tags',
    search: 'Search',
    searchPlaceholder: 'Search posts',
    searchKey: 'Press / to search',
    loading: 'Loading…',
    startingViewer: 'Starting the viewer…',
    downloading: ({ mb, total }) => (total ? `Downloading the viewer… ${mb} of ${total} MB` : `Downloading the viewer… ${mb} MB`),
    slowStart: 'This is taking a while. On a first visit the viewer program has to be downloaded once; later visits are faster.',
    posts: ({ n }) => (n === 1 ? '1 post' : `${N(n)} posts`),
    postsSpan: ({ n, from, to }) => (from === to ? `${N(n)} posts from ${from}` : `${N(n)} posts, ${from}–${to}`),
    newest: 'Latest posts',
    pageOf: ({ page, pages }) => `Page ${page} of ${pages}`,
    newer: 'Newer',
    prevPage: 'Previous',
    nextPage: 'Next',
    older: 'Older',
    pagination: 'Pages',
    prevPost: 'Previous (older)',
    nextPost: 'Next (newer)',
    morePosts: 'More posts',
    categoryTitle: ({ name }) => `Category: ${name}`,
    tagTitle: ({ name }) => `Tag: ${name}`,
    allCategories: 'All categories',
    allTags: 'All tags',
    termsCount: ({ n, kind }) => `${N(n)} ${kind === 'tags' ? (n === 1 ? 'tag' : 'tags') : n === 1 ? 'category' : 'categories'}`,
    filterTerms: 'Filter',
    sortBy: 'Sort',
    byCount: 'Most posts',
    byName: 'Name',
    noTerms: 'Nothing here yet.',
    noMatch: 'No match.',
    monthsOf: ({ year }) => `Months of ${year}`,
    archiveAll: 'All years',
    postedIn: 'Categories',
    taggedWith: 'Tags',
    originalFile: 'Original file',
    originalURL: 'Original URL',
    highlighted: ({ n, q }) => (n === 0 ? `No matches for “${q}” in this post.` : `${N(n)} ${n === 1 ? 'match' : 'matches'} for “${q}” highlighted.`),
    jumpFirst: 'Jump to the first',
    clearHighlight: 'Remove highlighting',
    searchTitle: 'Search',
    resultsFor: ({ q }) => `Results for “${q}”`,
    results: ({ n }) => (n === 0 ? 'No results' : n === 1 ? '1 result' : `${N(n)} results`),
    noResults: 'Nothing matches. Try fewer or other words, or remove a filter.',
    relevance: 'Relevance',
    newestFirst: 'Newest first',
    oldestFirst: 'Oldest first',
    filters: 'Filters',
    removeFilter: ({ name }) => `Remove filter ${name}`,
    refine: 'Refine',
    year: 'Year',
    searchUnavailable: 'Search is not available in this build of the archive.',
    badQuery: ({ msg }) => `This search could not be read: ${msg}. See the help below for what you can type.`,
    approxNote: 'Some very common words were matched by their parts, so a few results may not contain them exactly.',
    damagedHits: 'Some results are missing because a data file of the archive is damaged:',
    exactLink: 'Search exactly (downloads more data)',
    searchEmpty: 'Type words to search every post. Results appear as you type.',
    searchHelp: 'Search syntax',
    helpWords: 'all words must match',
    helpPhrase: 'this exact phrase',
    helpExclude: 'without this word',
    helpOr: 'either word',
    helpTitle: 'in the title',
    helpCategory: 'in a category',
    helpTag: 'with a tag',
    helpDate: 'from January to March 2022',
    notFound: 'Page not found',
    notFoundText: 'There is no post or page at this address.',
    searchFor: ({ q }) => `Search for “${q}”`,
    backHome: 'Go to the latest posts',
    errorTitle: 'Something went wrong',
    retry: 'Retry',
    reload: 'Reload',
    details: 'Details',
    timeout: 'The archive took too long to answer.',
    offlineTitle: 'You are offline',
    offlineText: 'This page is not saved on this device yet. Pages you have opened before still work; the rest will load when you are back online.',
    offlineBanner: 'You are offline. Pages you have opened before still work.',
    notSavedTitle: 'Not available offline',
    notSavedText: ({ parts }) => `This page is not in what you saved for offline reading (${parts}). It will load when you are back online.`,
    saved: 'Saved',
    savedTitle: 'Saved for offline',
    savedIntro: 'Save the whole archive, or a category, tag or year of it, to read and search it with no network. Saving starts only when you press Save.',
    savedNone: 'Nothing is saved on this device yet.',
    savedParts: 'Saved on this device',
    saveWhat: 'What to save',
    saveTerm: 'Which one',
    scopeAll: 'The whole archive',
    scopeCategory: 'A category',
    scopeTag: 'A tag',
    scopeYear: 'A year',
    scopeName: ({ kind, name }) => (kind === 'all' ? 'The whole archive' : `${{ category: 'Category', tag: 'Tag', year: 'Year' }[kind]} ${name}`),
    saveSize: ({ size, files, need, free }) => `${size} in ${files} files; ${need} still to download. This browser grants ${free} free.`,
    saveNoRoom: 'There is not enough space in this browser for it.',
    saveNoCache: 'This browser cannot keep files for offline use here (it needs HTTPS).',
    saveButton: 'Save for offline',
    savePause: 'Pause',
    saveResume: 'Resume',
    saveCancel: 'Cancel',
    saveRemove: 'Remove',
    saveProgress: ({ files, total, mb, totalMb, speed, eta }) => `${files} of ${total} files, ${mb} of ${totalMb} MB${speed ? `, ${speed} MB/s` : ''}${eta ? `, about ${eta} left` : ''}`,
    savePaused: 'Paused.',
    saveDone: 'Saved: it now works with no network.',
    saveFailed: ({ reason }) => `The save stopped: ${reason}`,
    partSaved: ({ size, date }) => `${size}, saved ${date}`,
    partIncomplete: ({ size }) => `${size}, incomplete`,
    partOldLayout: 'saved by an older version of this viewer, which kept files differently: its files were removed; Resume saves them again',
    updateNotice: ({ n }) => (n === 1 ? '1 new post' : n > 1 ? `${N(n)} new posts` : 'A new version of the archive'),
    updateButton: 'Update',
    updating: 'Updating…',
    updated: ({ files, mb }) => (files ? `Updated: ${files} saved files brought up to date (${mb} MB).` : 'Updated.'),
    install: 'Install',
    onlineBanner: 'You are back online.',
    fatalTitle: 'This archive cannot be opened',
    fatalVersion: 'The archive data was made by a different version of Folio than this viewer. Reload the page to get the matching viewer; if that does not help, the site needs to be rebuilt.',
    fatalData: 'Some of the archive’s data files are missing or damaged. Reload the page; if that does not help, the site needs to be rebuilt.',
    fatalWasm: 'The viewer program (wasm/app.wasm) could not be loaded or started. Reload the page; if that does not help, the site may be incomplete.',
    fatalNoWasm: 'This browser cannot run the viewer. Folio needs a current browser with Web Workers and WebAssembly turned on.',
    fatalNetwork: 'The viewer could not be downloaded. Check your connection and reload.',
    fatalTimeout: 'The viewer did not start in time. Check your connection and reload.',
    fatalOther: 'The viewer stopped with an error.',
    footer: 'Served by Folio from static files.',
  },
  zh: {
    langName: '中文',
    switchTo: '切换界面语言为中文',
    skip: '跳到正文',
    navMain: '主导航',
    home: '首页',
    archive: '归档',
    categories: '分类',
    tags: '标签',
    search: '搜索',
    searchPlaceholder: '搜索文章',
    searchKey: '按 / 键搜索',
    loading: '加载中…',
    startingViewer: '正在启动阅读器…',
    downloading: ({ mb, total }) => (total ? `正在下载阅读器… ${mb} / ${total} MB` : `正在下载阅读器… ${mb} MB`),
    slowStart: '请稍候。首次访问需要下载一次阅读器程序，之后再打开会快很多。',
    posts: ({ n }) => `${N(n)} 篇文章`,
    postsSpan: ({ n, from, to }) => (from === to ? `${from}，共 ${N(n)} 篇文章` : `${from}–${to}，共 ${N(n)} 篇文章`),
    newest: '最新文章',
    pageOf: ({ page, pages }) => `第 ${page} / ${pages} 页`,
    newer: '较新',
    prevPage: '上一页',
    nextPage: '下一页',
    older: '较早',
    pagination: '分页',
    prevPost: '上一篇（较早）',
    nextPost: '下一篇（较新）',
    morePosts: '更多文章',
    categoryTitle: ({ name }) => `分类：${name}`,
    tagTitle: ({ name }) => `标签：${name}`,
    allCategories: '全部分类',
    allTags: '全部标签',
    termsCount: ({ n, kind }) => `${N(n)} 个${kind === 'tags' ? '标签' : '分类'}`,
    filterTerms: '筛选',
    sortBy: '排序',
    byCount: '文章数',
    byName: '名称',
    noTerms: '这里还没有内容。',
    noMatch: '没有匹配项。',
    monthsOf: ({ year }) => `${year} 年各月`,
    archiveAll: '全部年份',
    postedIn: '分类',
    taggedWith: '标签',
    originalFile: '原始文件',
    originalURL: '原始地址',
    highlighted: ({ n, q }) => (n === 0 ? `本文中没有找到“${q}”。` : `已高亮 ${N(n)} 处“${q}”。`),
    jumpFirst: '跳到第一处',
    clearHighlight: '取消高亮',
    searchTitle: '搜索',
    resultsFor: ({ q }) => `“${q}”的搜索结果`,
    results: ({ n }) => (n === 0 ? '没有结果' : `共 ${N(n)} 条结果`),
    noResults: '没有找到匹配的文章。试试更少或别的词，或者去掉筛选条件。',
    relevance: '相关度',
    newestFirst: '最新在前',
    oldestFirst: '最早在前',
    filters: '筛选条件',
    removeFilter: ({ name }) => `去掉筛选条件 ${name}`,
    refine: '缩小范围',
    year: '年份',
    searchUnavailable: '这个版本的归档没有提供搜索功能。',
    badQuery: ({ msg }) => `无法理解这个搜索：${msg}。可以参考下面的搜索语法说明。`,
    approxNote: '部分非常常见的词是按字片段匹配的，少数结果可能并不完整包含这些词。',
    damagedHits: '归档中有数据文件已损坏，部分结果无法显示：',
    exactLink: '精确搜索（需要下载更多数据）',
    searchEmpty: '输入词语即可搜索全部文章，边输入边显示结果。',
    searchHelp: '搜索语法',
    helpWords: '所有词都要出现',
    helpPhrase: '完整短语',
    helpExclude: '排除这个词',
    helpOr: '任意一个词',
    helpTitle: '只在标题中',
    helpCategory: '某个分类',
    helpTag: '带某个标签',
    helpDate: '2022 年 1 月至 3 月',
    notFound: '找不到页面',
    notFoundText: '这个地址上没有文章或页面。',
    searchFor: ({ q }) => `搜索“${q}”`,
    backHome: '去看最新文章',
    errorTitle: '出错了',
    retry: '重试',
    reload: '重新加载',
    details: '详细信息',
    timeout: '归档响应超时。',
    offlineTitle: '当前处于离线状态',
    offlineText: '这个页面还没有保存到本机。打开过的页面仍然可以阅读，其余内容会在恢复联网后加载。',
    offlineBanner: '当前离线。打开过的页面仍然可以阅读。',
    notSavedTitle: '离线时不可用',
    notSavedText: ({ parts }) => `这个页面不在你保存的离线内容中（${parts}）。恢复联网后即可加载。`,
    saved: '已保存',
    savedTitle: '离线保存',
    savedIntro: '保存整个归档，或其中一个分类、标签或年份，无网络时也能阅读和搜索。只有按下“保存”才会开始下载。',
    savedNone: '本机还没有保存任何内容。',
    savedParts: '本机已保存',
    saveWhat: '保存什么',
    saveTerm: '选择',
    scopeAll: '整个归档',
    scopeCategory: '一个分类',
    scopeTag: '一个标签',
    scopeYear: '一个年份',
    scopeName: ({ kind, name }) => (kind === 'all' ? '整个归档' : `${{ category: '分类', tag: '标签', year: '年份' }[kind]} ${name}`),
    saveSize: ({ size, files, need, free }) => `共 ${size}，${files} 个文件；还需下载 ${need}。浏览器可用空间 ${free}。`,
    saveNoRoom: '浏览器的存储空间不够。',
    saveNoCache: '此浏览器无法在这里保存离线文件（需要 HTTPS）。',
    saveButton: '离线保存',
    savePause: '暂停',
    saveResume: '继续',
    saveCancel: '取消',
    saveRemove: '删除',
    saveProgress: ({ files, total, mb, totalMb, speed, eta }) => `${files} / ${total} 个文件，${mb} / ${totalMb} MB${speed ? `，${speed} MB/s` : ''}${eta ? `，约剩 ${eta}` : ''}`,
    savePaused: '已暂停。',
    saveDone: '已保存：现在无网络也能使用。',
    saveFailed: ({ reason }) => `保存中止：${reason}`,
    partSaved: ({ size, date }) => `${size}，保存于 ${date}`,
    partIncomplete: ({ size }) => `${size}，未完成`,
    partOldLayout: '由旧版查看器保存，存储方式不同：其文件已删除；点“继续”重新保存',
    updateNotice: ({ n }) => (n > 0 ? `${N(n)} 篇新文章` : '归档有新版本'),
    updateButton: '更新',
    updating: '正在更新…',
    updated: ({ files, mb }) => (files ? `已更新：${files} 个离线文件（${mb} MB）。` : '已更新。'),
    install: '安装',
    onlineBanner: '已恢复联网。',
    fatalTitle: '无法打开这个归档',
    fatalVersion: '归档数据与当前阅读器的 Folio 版本不一致。请重新加载页面以获取匹配的阅读器；如果仍然不行，需要重新生成网站。',
    fatalData: '归档的部分数据文件缺失或已损坏。请重新加载页面；如果仍然不行，需要重新生成网站。',
    fatalWasm: '无法加载或启动阅读器程序（wasm/app.wasm）。请重新加载页面；如果仍然不行，网站文件可能不完整。',
    fatalNoWasm: '这个浏览器无法运行阅读器。Folio 需要支持并启用了 Web Worker 和 WebAssembly 的较新浏览器。',
    fatalNetwork: '无法下载阅读器。请检查网络连接后重新加载。',
    fatalTimeout: '阅读器没有按时启动。请检查网络连接后重新加载。',
    fatalOther: '阅读器出错停止了。',
    footer: '由 Folio 从静态文件生成。',
  },
};

const HTML_LANG = { en: 'en', zh: 'zh-CN' };

function stored() {
  try {
    return localStorage.getItem(KEY);
  } catch {
    return null;
  }
}

function detect() {
  const saved = stored();
  if (saved && STRINGS[saved]) return saved;
  for (const l of navigator.languages || [navigator.language || '']) {
    const low = String(l).toLowerCase();
    if (low.startsWith('zh')) return 'zh';
    if (low.startsWith('en')) return 'en';
  }
  return 'en';
}

/** lang is the current UI language: "en" or "zh". */
export let lang = detect();

/** languages lists the UI languages. */
export const languages = Object.keys(STRINGS);

/** htmlLang is the value of <html lang> for the current UI language. */
export function htmlLang() {
  return HTML_LANG[lang];
}

/** setLang switches the UI language and remembers the choice. */
export function setLang(l) {
  if (!STRINGS[l]) return;
  lang = l;
  try {
    localStorage.setItem(KEY, l);
  } catch {
    /* private mode: the choice lasts for this page only */
  }
  document.documentElement.lang = htmlLang();
}

/** t returns the string for key in the current language (or language l), with vars filled in. */
export function t(key, vars = {}, l = lang) {
  const v = STRINGS[l][key] ?? STRINGS.en[key];
  if (v === undefined) return key;
  if (typeof v === 'function') return v(vars);
  return v.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? vars[k] : m));
}

/** has reports whether key is a known string. */
export function has(key) {
  return key in STRINGS.en;
}

// dateParts reads the calendar date of an RFC 3339 string as written (in the post's own
// time zone), so a post written late at night does not move to another day.
function dateParts(iso) {
  const m = /^(\d{4})-(\d{2})(?:-(\d{2}))?/.exec(iso || '');
  if (!m) return null;
  return [+m[1], +m[2], +(m[3] || 1)];
}

function fmt(opts) {
  return new Intl.DateTimeFormat(HTML_LANG[lang], { ...opts, timeZone: 'UTC' });
}

/** formatDate formats the date of an RFC 3339 string, e.g. "2021年9月12日". */
export function formatDate(iso, style = 'long') {
  const p = dateParts(iso);
  if (!p) return iso || '';
  const opts = style === 'short' ? { year: 'numeric', month: 'short', day: 'numeric' } : { year: 'numeric', month: 'long', day: 'numeric' };
  return fmt(opts).format(new Date(Date.UTC(p[0], p[1] - 1, p[2])));
}

/** formatMonth formats a year and month (1–12), e.g. "March 2022"; short: just the month. */
export function formatMonth(year, month, short = false) {
  const opts = short ? { month: 'short' } : { year: 'numeric', month: 'long' };
  return fmt(opts).format(new Date(Date.UTC(+year, +month - 1, 1)));
}

/** formatNumber formats a count for the current language. */
export function formatNumber(n) {
  return new Intl.NumberFormat(HTML_LANG[lang]).format(n);
}

function N(n) {
  return formatNumber(n);
}

// 让这本书的搜索认得中文。
//
// mdBook 的搜索用 elasticlunr，索引按英文切词：汉字被当成“不是单词的字符”去掉了，
// 所以“粘包”“三次握手”这样的词在索引里根本不存在。但索引里还存着每一节的标题和正文
// （用来显示搜索结果下面的那段摘录），这里就在它们上面直接找子串：
//
// - 每个搜索词按子串在每一节的标题、所在的章和正文里数出现次数，算一个分数（英文词不分大小写）；
// - 每个词都出现的节排在前面，其次看分数，分数相同时书里靠前的一节在前；
// - 一个子串也没找到的英文词，交给 elasticlunr（它会还原词形，connections 也能找到 connection）；
// - 摘录取第一次出现的地方前后一小段，去掉画图用的线框字符；结果里把搜索词标出来；
// - 结果上方的英文提示换成中文。
(function () {
    'use strict';

    const HAN = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]/;
    // 画图用的字符：线框、箭头、几何形状。一行里有两个以上，就当它是图，不放进摘录。
    const ART = /[\u2190-\u21ff\u2500-\u259f\u25a0-\u25ff]/g;

    function count(text, term) {
        if (!text) {
            return 0;
        }
        let n = 0;
        let at = text.indexOf(term);
        while (at !== -1) {
            n += 1;
            at = text.indexOf(term, at + term.length);
        }
        return n;
    }

    // 去掉正文里像图的行（线框字符多的行），剩下的用来做摘录。
    function withoutArt(body) {
        return body
            .split('\n')
            .filter(function (line) {
                return (line.match(ART) || []).length < 2;
            })
            .join('\n');
    }

    // 第一次出现 term 的地方前后各一小段。
    function snippet(body, terms) {
        const clean = withoutArt(body || '');
        const lower = clean.toLowerCase();
        let at = -1;
        for (const t of terms) {
            const i = lower.indexOf(t.toLowerCase());
            if (i !== -1 && (at === -1 || i < at)) {
                at = i;
            }
        }
        if (at === -1) {
            return clean.slice(0, 120);
        }
        const start = Math.max(0, at - 40);
        const end = Math.min(clean.length, at + 80);
        return (start > 0 ? '…' : '') + clean.slice(start, end).replace(/\s+/g, ' ') + (end < clean.length ? '…' : '');
    }

    function patch(lunr) {
        if (!lunr || !lunr.Index || lunr.Index.prototype.__cjkSearch) {
            return;
        }
        const proto = lunr.Index.prototype;
        const original = proto.search;
        proto.__cjkSearch = true;

        proto.search = function (query, config) {
            const terms = String(query).split(/\s+/).filter(Boolean);
            if (terms.length === 0) {
                return [];
            }
            const found = rank(this.documentStore.docs, terms);
            if (found.length === 0 && !terms.some(function (t) { return HAN.test(t); })) {
                // 子串一个也没找到（比如英文词的变形）：交给 elasticlunr，它会做词干还原。
                return original.call(this, query, config).map(function (r) {
                    return { ref: r.ref, score: r.score, doc: Object.assign({}, r.doc, { body: snippet(r.doc.body, terms) }) };
                });
            }
            return found.map(function (r) {
                return {
                    ref: r.ref,
                    score: r.score,
                    doc: Object.assign({}, r.doc, { body: snippet(r.doc.body, terms) }),
                };
            });
        };
    }

    // 给每一节打分。英文词不分大小写，中文词按原样；都是子串匹配。
    function rank(docs, terms) {
        const refs = Object.keys(docs).sort(function (a, b) { return Number(a) - Number(b); });
        const needles = terms.map(function (t) { return HAN.test(t) ? t : t.toLowerCase(); });
        const fold = function (text, t) { return HAN.test(t) ? (text || '') : (text || '').toLowerCase(); };
        const found = [];
        for (const ref of refs) {
            const doc = docs[ref];
            let score = 0;
            let matched = 0;
            needles.forEach(function (t) {
                const inTitle = count(fold(doc.title, t), t);
                const inPath = count(fold(doc.breadcrumbs, t), t);
                const inBody = count(fold(doc.body, t), t);
                // 只在所在章的名字里出现（比如第 10 课的每一节都在“文件上传”这一章里）不算找到，只加分。
                if (inTitle + inBody === 0) {
                    return;
                }
                matched += 1;
                // 标题里出现最要紧，其次是它所在的章；正文里出现得多也算数，但封顶，
                // 免得一节长长的代码靠篇幅压过专讲这个词的一节。分数相同时，先讲到它的一节排在前面。
                score += inTitle * 12 + inPath * 4 + Math.min(inBody, 10) * 3;
            });
            // 前言、术语表和附录里也提到这个词，但讲它的是各课的章节：章节排在前面。
            if (!/^第 \d\d 课/.test(doc.breadcrumbs || '')) {
                score *= 0.5;
            }
            if (matched > 0) {
                found.push({ ref: ref, matched: matched, score: score, doc: doc });
            }
        }
        found.sort(function (a, b) {
            return b.matched - a.matched || b.score - a.score || Number(a.ref) - Number(b.ref);
        });
        return found;
    }

    // 在搜索结果的摘录里把搜索词标出来（只改文字节点，不碰 HTML）。
    function highlight(container, terms) {
        const walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT);
        const nodes = [];
        while (walker.nextNode()) {
            if (walker.currentNode.parentNode.nodeName !== 'EM') {
                nodes.push(walker.currentNode);
            }
        }
        for (const node of nodes) {
            const text = node.nodeValue;
            let parts = [text];
            for (const t of terms) {
                parts = parts.flatMap(function (p) {
                    if (typeof p !== 'string') {
                        return [p];
                    }
                    const out = [];
                    let rest = p;
                    let i = rest.indexOf(t);
                    while (i !== -1) {
                        out.push(rest.slice(0, i), { em: t });
                        rest = rest.slice(i + t.length);
                        i = rest.indexOf(t);
                    }
                    out.push(rest);
                    return out;
                });
            }
            if (parts.length === 1) {
                continue;
            }
            const frag = document.createDocumentFragment();
            for (const p of parts) {
                if (typeof p === 'string') {
                    if (p) {
                        frag.appendChild(document.createTextNode(p));
                    }
                } else {
                    const em = document.createElement('em');
                    em.textContent = p.em;
                    frag.appendChild(em);
                }
            }
            node.parentNode.replaceChild(frag, node);
        }
    }

    // 结果上方的提示：“3 search results for '粘包':” → “找到 3 个结果：粘包”。
    function translateHeader(header) {
        const text = header.textContent;
        let m = text.match(/^(\d+) search results? for '(.*)':$/);
        if (m) {
            header.textContent = '找到 ' + m[1] + ' 个结果：' + m[2];
            return;
        }
        m = text.match(/^No search results for '(.*)'\.$/);
        if (m) {
            header.textContent = '没有找到“' + m[1] + '”';
        }
    }

    function watchResults() {
        const results = document.getElementById('mdbook-searchresults') || document.getElementById('searchresults');
        const header = document.getElementById('mdbook-searchresults-header') || document.getElementById('searchresults-header');
        const bar = document.getElementById('mdbook-searchbar') || document.getElementById('searchbar');
        if (!results || !header) {
            return;
        }
        if (bar && !bar.getAttribute('data-cjk')) {
            bar.setAttribute('data-cjk', '1');
            bar.setAttribute('placeholder', '搜索这本书……');
        }
        const marks = function () {
            const terms = ((bar && bar.value) || '').split(/\s+/).filter(function (t) { return HAN.test(t); });
            if (terms.length) {
                for (const teaser of results.querySelectorAll('.teaser')) {
                    highlight(teaser, terms);
                }
            }
        };
        new MutationObserver(function () {
            translateHeader(header);
        }).observe(header, { childList: true, characterData: true, subtree: true });
        new MutationObserver(marks).observe(results, { childList: true });
        // 打开带 ?search= 的链接时，第一次搜索可能在这之前就做完了。
        translateHeader(header);
        marks();
    }

    // 这个脚本在 <head> 里、比 elasticlunr 先加载（这样带 ?search= 的链接一打开就搜得到中文）：
    // 等 elasticlunr 把自己挂到 window 上的那一刻再改它。
    if (window.elasticlunr) {
        patch(window.elasticlunr);
    } else {
        let lunr;
        Object.defineProperty(window, 'elasticlunr', {
            configurable: true,
            get: function () { return lunr; },
            set: function (value) { lunr = value; patch(value); },
        });
    }
    if (document.readyState === 'loading') {
        document.addEventListener('DOMContentLoaded', watchResults);
    } else {
        watchResults();
    }
})();

// Building the page's elements without innerHTML: every text from the API is a text node.

const SVG_NS = "http://www.w3.org/2000/svg";

// h("div", { class: "x", "data-v": 1 }, child, "text", [children]) → an HTML element.
export function h(tag, attributes = {}, ...children) {
  return build(document.createElement(tag), attributes, children);
}

// The same for SVG elements.
export function s(tag, attributes = {}, ...children) {
  return build(document.createElementNS(SVG_NS, tag), attributes, children);
}

function build(element, attributes, children) {
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) {
      continue;
    }
    element.setAttribute(name, value === true ? "" : String(value));
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) {
      continue;
    }
    if (Array.isArray(child)) {
      append(element, child);
    } else {
      element.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
  }
}

export function clear(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

enum HubCorePlaceholder {}
